"""What people write when they want something: one table of weighted patterns per intent.

Patterns run on *flattened* own text (``inbox.rules.flatten``): the subject without
``Re:``/``Fwd:`` and the new text without quotes or signature. Each row is
``(pattern, weight, reason)``; an intent's score is the noisy-OR of the weights of its
rows that match. English first, then the languages members most often write in.
Rules describe language, never a particular message.
"""

from __future__ import annotations

import re

from inbox import foreign
from inbox.rules import Finder, rules

_WANT = r"(?:i'?d|i would|we'?d|we would|i|we|i really|i'?m keen|i am keen)"



def _slips(word: str) -> list[str]:
    """*word* with the commonest typing slips: two neighbours swapped, or one letter left out."""
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)]
    dropped = [word[:i] + word[i + 1:] for i in range(len(word))]
    return sorted({*swapped, *dropped} - {word})


def _any(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


_WANT_OK, _TO_OK, _JOIN_OK = _any(["want", "wanna", "wana"]), _any(["to ", "ta ", "2 "]), "join"
_WANT_SLIP, _TO_SLIP = _any(_slips("want")), _any([s + " " for s in _slips("to")])
_JOIN_SLIP = _any(_slips("join"))
_MISTYPED_WANT_TO_JOIN = (
    r"(?<!not )(?<!n't )(?<!dont )(?<!never )\b(?:" + _WANT_SLIP + r" (?:" + _TO_OK + "|"
    + _TO_SLIP + r")?" + _any([_JOIN_OK, _JOIN_SLIP]) + "|" + _WANT_OK + " " + _TO_SLIP
    + _any([_JOIN_OK, _JOIN_SLIP]) + "|" + _WANT_OK + " " + _TO_OK + "?" + _JOIN_SLIP
    + r")(?:ing|in|g)?\b")


JOIN = rules(
    (r"\b(?:sign(?:ing)?|join) (?:me|us) up\b", 0.9, "asks to be signed up"),
    # "i wnat to joing", "want ot jion": the words of a join, at least one of them mistyped
    (_MISTYPED_WANT_TO_JOIN, 0.8, "wants to join (mistyped)"),
    (r"\b(?:i'?m|i am|we'?re|we are) signing up\b", 0.85, "says they are signing up"),
    (r"\bcount (?:me|us) in\b", 0.85, "says count me in"),
    (rf"\b{_WANT}(?: also| really| very much| definitely| genuinely| now| still| too)?"
     r" (?:like|love|want|wanted|wish|wanna|hope|hoping|intend|mean|meant|meaning"
     r"|been meaning) to (?:join|become (?:a )?members?"
     r"|be (?:a )?members?|sign up|enrol|register|be part of|be involved|get involved)", 0.9,
     "wants to join"),
    (r"\b(?:too late|still (?:possible|time|open)) to (?:join|sign up|become a member)\b", 0.75,
     "asks whether they can still join"),
    (r"\b(?:wanna|want to|wants to|keen to|eager to|love to) join\b|\b(?:would|'d) (?:like|love"
     r"|want) to (?:join|become (?:a )?member|be (?:a )?member|sign up)\b", 0.8, "wants to join"),
    (r"\b(?:wanted|meaning|meant|hoping|planning|going|decided|keen|eager|ready) to (?:join"
     r"|sign up|become (?:a )?member|get involved)\b", 0.85, "wants to join"),
    (r"\bwant (?:to )?be (?:a )?member\b", 0.8, "wants to be a member"),
    (r"\b(?:add|enrol|enroll|register|include) (?:me|us)\b|\bput (?:me|us) down\b", 0.75,
     "asks to be added"),
    (r"\b(?:interested in|thinking of|thinking about) (?:joining|becoming a member)", 0.7,
     "interested in joining"),
    (r"\b(?:how (?:do|can|would) (?:i|we) (?:join|sign up|become a member|get involved)"
     r"|what do i (?:need|have) to do to join)\b", 0.75, "asks how to join"),
    (r"(?:^|[.!?] |, )(?:i'm in|im in|i am in)(?: too| as well)?(?:[.!,]|$| -| x\b| please)",
     0.7, "says I'm in"),
    (r"\bi want in\b", 0.8, "says I want in"),
    (r"\b(?:add|put) (?:me|my (?:email|e-mail|name|address|details))(?: address)? (?:to|on|onto)"
     r" (?:your|the) (?:mailing |e-?mail )?list\b", 0.8, "asks to be put on the list"),
    (r"\bre-?join(?:ing)?\b|\bsign (?:me|us) back up\b|\b(?:want|like|love) to come back\b",
     0.8, "wants to rejoin"),
    (r"\bwhere do i sign\b|\b(?:where|how|what) (?:do|can|should|would) (?:i|we)\b[^.?!]{0,30}"
     r"\bto (?:join|sign up|become a member)\b", 0.8, "asks how to join"),
    (r"\b(?:membership|sign-?up|joining|application) form\b", 0.75, "sends a membership form"),
    (r"\b(?<!not )(?<!n't )(?<!never )(?:apply|applying|application|request|requesting)"
     r" (?:for |to take out )?(?:a )?"
     r"membership\b|\bmembership,? please\b|\b(?:take|taking) out (?:a )?membership\b", 0.8,
     "applies for membership"),
    (r"\b(?:can|could|may) (?:i|we) (?:still |please )?(?:join|sign up|become (?:a )?members?)\b",
     0.75, "asks whether they can join"),
    (r"\b(?:express|register|show) (?:my|our) interest in (?:joining|becoming|membership)", 0.8,
     "expresses interest in joining"),
    (r"\b(?:filled in|filled out|completed|signed|put my name on) (?:the|your|a|one of your)"
     r" (?:form|sheet|sign-?up sheet|sign-?up form|clipboard|card)", 0.75,
     "filled in a signup form"),
    (r"\b(?:become|becoming) (?:a )?members?\b", 0.6, "mentions becoming a member"),
    (r"\bjoin(?:ing)? (?:(?:the|your|this|a|my|our) (?:local )?(?:network|movement|hub|group"
     r"|organisation|organization)|for the many|ftm|you(?: all| guys|r network)?[.!,]|up)\b", 0.6,
     "mentions joining"),
    (r"^(?:join|joining|sign me up|sign up|signing up|membership|new member|want to join"
     r"|joining (?:from|as)\b.*|join - .*|join request|membership request|application)\b",
     0.55, "subject asks to join"),
    foreign.JOIN,
)

# A wish not to join ("I no longer want to be a member", "not interested in joining",
# "I didn't ask to join"): blanked out before the join rules read the text.
NOT_JOINING = re.compile(
    r"\b(?:no longer|not|never|don'?t|do not|didn'?t|did not|doesn'?t|does not|won'?t"
    r"|wouldn'?t|nor|not sure (?:whether|if) (?:i|we)(?: really)?|undecided (?:whether|if|about)"
    r"(?: i| we)?) (?:\w+ ){0,2}?(?:want|wish|like|intend|mean|ask|plan|interested|keen|need"
    r"|care|should)(?:ed|s)?(?: in| to)? (?:join|joining|be (?:a )?members?|being (?:a )?members?"
    r"|become (?:a )?members?|becoming (?:a )?members?|sign(?:ing)? up|be signed up|be part"
    r"|being part|be added|be involved|getting involved|get involved)\b"
    r"(?:(?! but | and | - | so | now )[^.!?,;]){0,40}")
NEGATIONS = ("not", "n't", "never", "no longer", "nor ")


def without_not_joining(text: str) -> str:
    """*text* with every wish not to join blanked out (unchanged when it negates nothing)."""
    if not any(n in text for n in NEGATIONS):
        return text
    return NOT_JOINING.sub(" ", text)


# Requests about how mail is delivered (digest or each message): for a person to handle.
SETTINGS = Finder(r"\b(?:digest (?:mode|only|version)|(?:weekly|daily) (?:digest|summary)"
                      r"|each message|every message|individual (?:e-?mails|messages)|fewer e-?mails"
                      r"|less e-?mail|(?:to|into) (?:the )?digest)\b")
# "Stop the digest but keep me a member": a change of what they receive, not leaving.
KEEP_MEMBER = Finder(r"\b(?:keep me (?:as a member|on|in|a member)|(?:stay|remain) (?:a member"
                         r"|in the network|on the network)|just the (?:digest|emails?|hub)|only the"
                         r" (?:digest|emails?|hub))\b")

LEAVE = rules(
    (r"\bunsubscribe (?:me|us|my|this (?:address|email))\b|\b(?:please|pls|plz|kindly|can you"
     r"|could you|would you|i want to|i'?d like to|i would like to|want to|wish to|need to"
     r"|trying to) unsubscribe\b|^unsubscribe\W*$|^unsubscribe (?:please|pls)\W*$", 0.9,
     "asks to unsubscribe"),
    # "would you mind taking me off the list", "can you remove me from these emails"; not
    # "thanks for removing me ..." (what was done before)
    (r"(?<!for )(?<!after )(?<!since )\b(?:remove|removing|take|taking|delete|deleting|drop"
     r"|dropping|strike|striking)"
     r" (?:me|us|my (?:name|email|address)) (?:off|from) (?:your|the|this|these|those|all|any)"
     r"\b[^.!?]{0,20}\b(?:list|lists|mailing|emails?|distribution|network|membership|group)",
     0.9, "asks to be removed from the list"),
    (r"(?<!for )(?<!after )(?<!since )\b(?:remove|removing|take|taking) me off\b|\bplease"
     r" remove me\b|(?<!for )(?<!after )(?<!since )\bremov(?:e|ing) me\b", 0.8,
     "asks to be removed"),
    (r"\bstop (?:emailing|sending|contacting|mailing|spamming|messaging)\b", 0.85,
     "asks us to stop emailing"),
    (r"\b(?:don'?t|do not|never) (?:email|contact|write to|mail) (?:me|us)\b", 0.8,
     "asks not to be contacted"),
    (r"\bno longer (?:want|wish|like) to (?:be|receive|get|hear|remain|stay)\b", 0.85,
     "no longer wants to be a member"),
    (r"\b(?:cancel|end|terminate|withdraw|revoke|stop|resign) (?:my|our) (?:membership|subscription"
     r"|sign ?up|registration|consent)\b", 0.9, "cancels membership"),
    (r"\b(?:don'?t|do not|never|stop) send(?:ing)? (?:me|us) (?:any ?more |any |these |your )?"
     r"(?:e-?mails|emails|messages|mail|updates|bulletins|newsletters)?\b", 0.85,
     "asks us to stop sending mail"),
    (r"\bcount (?:me|us) out\b|\bi want out\b", 0.85, "wants out"),
    (r"\b(?:i'?m|i am|we'?re|we are) (?:leaving|quitting|resigning from|withdrawing from)\b",
     0.85, "says they are leaving"),
    (r"\b(?:leave|quit|resign from|withdraw from) (?:the|your|this|for the many) ?(?:network"
     r"|group|list|mailing list|membership|organisation|hub)?\b", 0.55, "mentions leaving"),
    (r"\bopt(?:ing)? (?:me )?out\b", 0.8, "opts out"),
    (r"\b(?:don'?t|do not|no longer) (?:want|wish) (?:to (?:get|receive|have) )?(?:these|your"
     r"|any more|any|the|all these|all your) (?:e-?mails|messages|mail|newsletters|bulletins"
     r"|updates)", 0.85, "does not want our mail"),
    (r"(?<!\bnot )(?<!n't )(?<!\bno )(?<!never )(?<!\bnot really )"
     r"\b(?:want|wish|like|going|decided|have decided|need|intend) to (?:leave|quit|resign"
     r"|withdraw|unsubscribe|be removed|cancel|end my)\b", 0.85, "wants to leave"),
    (r"^(?:stop|unsubscribe|remove|remove me|leave|cancel|opt out|unsub)\W*$", 0.7,
     "subject asks to stop"),
    foreign.LEAVE,
    # the writer's own wish, not a newsletter's footer ("to stop receiving these emails ...")
    (r"\b(?:i'?d like to|i would like to|i want to|i wish to|i need to|we'?d like to|we want to"
     r"|let me|can i|please can i|how (?:do|can) i|i'?d rather|i would rather) (?:stop|cease|no"
     r" longer) (?:receiving|getting)\b[^.!?]{0,20}\b(?:e-?mails?|mail"
     r"|messages|newsletters|bulletins|updates|anything|these|them)\b", 0.85,
     "wants to stop receiving our mail"),
)

ERASE = rules(
    (r"\b(?:delete|erase|remove|wipe|destroy|purge)\b[^.!?]{0,30}\b(?:my|our|all)\b[^.!?]{0,25}"
     r"\b(?:data|details|information|informations|records?|account|personal|info)\b", 0.9,
     "asks for their data to be deleted"),
    (r"\b(?:delete|erase|wipe|remove) (?:me|us) (?:from|off) (?:your|the|all)\b[^.!?]{0,15}"
     r"\b(?:database|databases|records|system|systems|files|servers)\b", 0.9,
     "asks to be deleted from the database"),
    (r"\b(?:delete|erase|remove|wipe|purge|destroy)\b[^.!?]{0,60}\bfrom (?:your|the|all"
     r"|all of your|any of your) (?:records|database|databases|systems?|files|servers"
     r"|archives)\b", 0.85, "asks to be deleted from the records"),
    (r"\b(?:delete|erase|wipe|purge|destroy)\b[^.!?]{0,15}\bmy (?:e-?mail )?(?:address|e-?mail)"
     r"\b(?![^.!?]{0,25}\b(?:list|lists|mailing))", 0.8, "asks for their address to be deleted"),
    (r"\b(?:delete|erase|wipe|destroy|purge|get rid of)\b (?:everything|all|anything|whatever"
     r"|all the (?:data|info|information|details))(?: (?:that|which))? (?:you|you'?ve|ftm|the"
     r" network)\b[^.!?]{0,25}\b(?:on|about|for|of) (?:me|us)\b", 0.9,
     "asks for everything held on them to be deleted"),
    (r"\b(?:erasure|right to be forgotten|forget me|forget about me|article 17)\b", 0.9,
     "invokes the right to erasure"),
    (r"\b(?:my|our) (?:personal )?(?:data|details|information|info|records?)\b[^.!?]{0,25}"
     r"\b(?:deleted|erased|removed|wiped|destroyed|purged)\b", 0.9,
     "wants their data deleted"),
    (r"^(?:delete|erase|delete me|erase me|delete my data|delete my details|gdpr deletion)\W*$",
     0.75, "subject asks for deletion"),
    foreign.ERASE,
)

# "I've moved email providers", "moving to Gmail": a new mailbox, not a new home.
_NOT_MAIL = (r"(?! (?:to )?(?:my |a |the |our )?(?:new )?(?:e-?mail|mail|provider|providers|account"
             r"|accounts|gmail|outlook|hotmail|yahoo|proton\w*|icloud|job|jobs|bank|phone)\b)")

MOVE = rules(
    (r"\b(?:i'?ve|i have|we'?ve|we have|i|we|just|recently) (?:just |recently )?(?:moved"
     r"|relocated)\b" + _NOT_MAIL, 0.85, "says they have moved"),
    (r"\brelocat(?:ed|ing)\b", 0.8, "relocated"),
    (r"\bnew (?:postcode|post code|address|home|house|flat)\b", 0.8, "gives a new address"),
    (r"\bchange (?:of|my|our) (?:postcode|post code|address|hub)\b", 0.85,
     "asks to change address"),
    (r"\b(?:update|change|amend|correct) (?:my|our|the) (?:postcode|post code|address|hub"
     r"|location|details)\b", 0.8, "asks to update their details"),
    (r"\b(?:move|transfer|switch|put|change) (?:me|us) (?:to|into|over to)\b(?! (?:the |a )?"
     r"(?:digest|weekly|daily|each|every|individual|plain|html|text|fewer|less)\b)", 0.8,
     "asks to be moved"),
    (r"\bcan you move me\b|\bmove me\b", 0.75, "asks to be moved"),
    (r"\b(?:leave|quit|switch from|move from|come out of) the [\w -]{1,30}hub\b[^.!?]{0,40}"
     r"\b(?:join|to|into|for) the [\w -]{1,30}(?:hub|one|group)\b", 0.9, "changes hub"),
    (r"\b(?:moving|moved) (?:to|house|home|back)\b" + _NOT_MAIL, 0.75, "is moving"),
    (r"\b(?:now|back) (?:live|living|based|home|at home)\b[^.!?]{0,20}\bin\b"
     r"|\bback home now\b|\bi'?m back home\b", 0.7, "lives somewhere new"),
    (r"\b(?:use|take) the \w+ (?:one|postcode|address)\b|\bfrom now on\b", 0.6,
     "chooses which address to use"),
    (r"\b(?:term[- ]time|new) (?:address|postcode)\b|\bdifferent hub\b", 0.6,
     "mentions a different address"),
    (r"\b(?:postcode|post code|address) (?:has|have) changed\b", 0.8,
     "says their postcode changed"),
    (r"^(?:moved|we'?ve moved|change of (?:address|postcode)|new (?:address|postcode)"
     r"|relocated|moving|address change|postcode change)\b", 0.6, "subject says they moved"),
)

STATUS = rules(
    (r"\b(?:what|which) (?:postcode|post code|address|e-?mail address|e-?mail|name|details|data"
     r"|information|info|records?|hub) (?:have|do|did|are) you (?:got|have|hold|use|using|keep"
     r"|store|holding|keeping|storing)\b|\bwhat (?:have|do) you (?:got|have|hold|keep) (?:on|about"
     r"|for) (?:me|us)\b", 0.85, "asks what we hold about them"),
    (r"\b(?:do|did) you (?:still )?(?:have|hold|keep|got) (?:my|the right|the correct|the wrong"
     r"|any)\b[^.!?]{0,12} (?:postcode|post code|address|details|data|information|info|records?"
     r"|e-?mail)\b|\bhave you (?:still )?got (?:my|the right|the correct|the wrong|any)\b"
     r"[^.!?]{0,12} (?:postcode|post code|address|details|data|information|info|records?|e-?mail)"
     r"\b", 0.8, "asks whether we hold their details"),
    (r"\b(?:do|did) you (?:still )?(?:have|hold|keep) (?:my|the right|the correct|the wrong|any)"
     r" (?:postcode|post code|address|details|data|information|info|records?|e-?mail)\b"
     r"|\b(?:is|are) my (?:postcode|address|details|e-?mail|name)\b[^.!?]{0,25}\b(?:right"
     r"|correct|up to date|on (?:file|record|your system))", 0.8, "asks whether their details are"
     " right"),
    (r"\b(?:what|which|all|any|the|all the|any of the) (?:personal )?(?:data|information|info"
     r"|details|records)\b[^.!?]{0,25}\b(?:you|you'?ve|the network|ftm|for the many|your"
     r" organisation) (?:hold|holds|have|has|keep|keeps|store|stores|process|processes"
     r"|are holding|are keeping|are storing|are processing|have got|got)\b", 0.85,
     "asks what we hold"),
    (r"\b(?:my )?(?:membership|application|sign ?up|registration|reply|confirmation)\b[^.!?]{0,20}"
     r"\b(?:went|gone|got|has gone|came|come) through\b|\b(?:just )?checking (?:that |whether"
     r" |if )?(?:my (?:membership|sign ?up|application|reply)|i'?m (?:a member|signed up|on)"
     r"|i am (?:a member|signed up|on))", 0.75, "asks whether their membership went through"),
    (r"\b(?:right of access|d?sar\b|data subject access|access request|request (?:for )?access to"
     r" (?:my|the|all my) (?:personal )?(?:data|information)|access to (?:my|the) personal"
     r" (?:data|information))|\bart(?:icle|ikel|[íi]culo|icolo|yku[łl]|\.)? ?15\b", 0.85,
     "makes a subject access request"),
    (r"(?:cais am fynediad|cais gwrthrych am wybodaeth|copi o'?r (?:holl )?(?:ddata|wybodaeth)"
     r"|data personol sydd gennych|acc[èe]s (?:à|a) mes donn[ée]es|droit d'acc[èe]s|acceso a mis"
     r" datos|derecho de acceso|auskunft (?:über|uber) (?:meine|die (?:über mich|gespeicherten))"
     r"|auskunftsersuchen|dost[ęe]p do (?:moich )?danych|prawo dost[ęe]pu|accesso ai (?:miei )?dati"
     r"|diritto di accesso|inzage in mijn gegevens)", 0.85,
     "makes a subject access request (non-English)"),
    (r"(?:(?:wybodaeth|data) sydd gennych (?:amdanaf|arnaf)|ydw i'?n aelod|suis-je"
     r" (?:encore |d[ée]j[àa] )?membre|quelles (?:donn[ée]es|informations) (?:avez|d[ée]tenez"
     r"|conservez)|¿?soy (?:ya )?miembro|qu[ée] (?:datos|informaci[óo]n) (?:tienen|ten[ée]is"
     r"|guardan)|czy jestem (?:ju[żz] )?cz[łl]onkiem|jakie (?:dane|informacje) (?:o mnie )?"
     r"(?:przechowujecie|macie)|bin ich (?:schon |noch )?mitglied|welche daten (?:haben"
     r"|speichern) sie)", 0.85,
     "asks where they stand (non-English)"),
    (r"\b(?:don'?t|do not) want to (?:sign up|join|register|be (?:added|signed up)|enrol)"
     r" (?:twice|again|a second time)\b|\b(?:already|still) (?:a member|signed up|registered"
     r"|on (?:your|the) (?:list|system|books|database))\b[^.!?]{0,20}\?", 0.75,
     "asks whether they are already a member"),
    (r"\b(?:when did i (?:join|sign up|become a member)|how long have i been a member"
     r"|(?:my )?membership (?:number|start date|card))\b", 0.75, "asks when they joined"),
    (r"\bam i (?:now |already |still )?(?:confirmed|a member|registered|signed up|subscribed"
     r"|on (?:the|your) (?:list|system|database|books)|in the network|in|active|a full member)"
     r"(?:\W|$)", 0.85, "asks whether they are a member"),
    (r"\b(?:is|has) my (?:membership|application|sign ?up|registration|confirmation|reply"
     r"|email)\b[^.!?]{0,30}\b(?:confirmed|active|through|processed|accepted|received|arrived"
     r"|worked)\b", 0.85, "asks about their membership"),
    (r"\bwhat (?:personal )?(?:data|information|info|details|records) (?:do|does|did) (?:you"
     r"|the network|ftm|for the many) (?:hold|have|keep|store|process)\b", 0.9,
     "asks what we hold"),
    (r"\bsubject access\b|\barticle 15\b|\bcopy of (?:all )?(?:the |my )?(?:personal )?"
     r"(?:data|information)\b", 0.9, "makes a subject access request"),
    (r"(?:^|[.?!] )(?:which|what|wat|wot) hub (?:am i|do i belong|i'?m in|im in|have i been)\b",
     0.85,
     "asks which hub they are in"),
    (r"\bdid my (?:confirmation|reply|sign ?up|application|membership|registration|email)\b"
     r"[^.!?]{0,20}\b(?:go through|work|arrive|get through|reach you|come through)", 0.85,
     "asks whether their reply arrived"),
    (r"\bhave i been (?:added|confirmed|registered|accepted|signed up|put in)\b", 0.85,
     "asks whether they were added"),
    (r"\bconfirm (?:that |whether |if )?(?:i'?m|i am|my membership is) (?:registered|a member"
     r"|signed up|on (?:the|your) list|active|confirmed)\b", 0.85, "asks us to confirm membership"),
    (r"\bnever (?:got|received|had|heard) (?:a|my|the|any|back)\b[^.!?]{0,20}\b(?:welcome"
     r"|confirmation|reply|email|anything)", 0.75, "never heard back"),
    (r"(?:tell me|know|check|see) (?:which|what|wat|wot) hub (?:am i|i'?m|im|i am|i belong)\b",
     0.85, "asks which hub they are in"),
    (r"\b(?:my|membership) status\b|^status\W*$", 0.8, "asks for their status"),
    (r"\b(?:did you|have you) (?:get|got|receive|received) my (?:reply|email|message"
     r"|confirmation)\b", 0.7, "asks whether we got their reply"),
    (r"\b(?:check|tell me|let me know) (?:whether|if) (?:i'?m|i am) (?:still |already )?"
     r"(?:a member|signed up"
     r"|registered|confirmed|on)\b", 0.85, "asks whether they are a member"),
)

HELP = rules(
    # who may join: "can I join if I'm in Labour?", "do you have to live in the UK to join?"
    (r"\b(?:can|could|may|am i allowed to|are we allowed to|is it ok(?:ay)? to|is it possible to)"
     r" (?:i |we |you |someone |people |one |anyone )?(?:still )?(?:be (?:a )?members?|join"
     r"|sign up|become (?:a )?members?)\b[^.!?]{0,20}\b(?:if|while|whilst|when|even though"
     r"|though|as|despite|without)\b|\b(?:allowed|eligible) to (?:join|be (?:a )?member|become"
     r" (?:a )?member)\b|\bdo (?:i|you|we|members|people) (?:have|need) to (?:be|live|have)\b"
     r"[^.!?]{0,30}\bto (?:join|be (?:a )?member|become)|\bdo (?:i|you|we|members|people)"
     r" (?:have|need) to (?:be|live|reside|have)\b[^.!?]{0,40}\?|\bwho (?:can|is allowed to|may)"
     r" (?:join|be a member|become a member)\b|\bis there an? (?:age limit|minimum age)\b",
     0.75, "asks who can join"),
    (r"\b(?:is there|are there|do you charge|do (?:i|we|members) pay|is there any) (?:a |an |any )?"
     r"(?:membership |joining |annual |monthly |yearly )?(?:fee|fees|cost|costs|charge|subscription"
     r"|subs|dues)\b|\bhow much (?:does it|is it|does membership|is membership|does joining"
     r"|do (?:i|we|members) (?:have to )?pay)\b|\bis (?:it|membership|joining) free\b", 0.7,
     "asks what membership costs"),
    (r"\bdo (?:i|we|members|you|people) (?:have|need|got) to (?:\w+ )?(?:pay|attend|go|come|be"
     r"|do|take part|volunteer|give|turn up)\b|\b(?:what|how much) (?:is|are) (?:expected"
     r"|required) of\b|\bwhat (?:does|would|will) (?:membership|being a member|joining)"
     r" (?:involve|entail|mean|require|commit)|\bis there (?:any|an) (?:obligation|requirement"
     r"|expectation)\b|\bhow much time\b", 0.7, "asks what membership involves"),
    (r"\bcan (?:i|we|members|you|one|people) (?:belong to|be in|be a member of|join) (?:two"
     r"|more than one|several|multiple|both|another)\b|\bwhat(?:'s| is) the difference between"
     r"\b|\bis it possible to\b|\bwho (?:decides|chooses|picks|sets)\b", 0.6,
     "asks how the network works"),
    (r"\b(?:what are|where (?:are|can i (?:find|read|see))|(?:can|could) you send me|send me a"
     r" copy of) (?:the |your )?(?:twelve |12 |founding )?(?:principles|rules|constitution"
     r"|policies)\b|\bis there (?:a|any) (?:hub|group|branch|meeting)s? (?:in|near|for|around"
     r"|covering)\b|\bwho (?:do|should|can) i (?:contact|speak to|talk to|ask|write to)\b"
     r"|\bwho(?:'s| is) (?:my|the) (?:local )?(?:contact|secretary|organiser|coordinator)\b",
     0.65, "asks where to find something"),
    (r"\bhow often (?:do|does|are|is)\b|\bcan (?:i|we|anyone|non-?members|people) (?:come|go"
     r"|turn up|attend|pop|bring)(?: along)?\b[^.!?]{0,30}\b(?:meeting|hub|one|event)s?\b"
     r"|\bwhat happens (?:to|with) my (?:data|details|information|e-?mail|address)\b"
     r"|\bwho (?:sees|can see|has access to|gets) (?:my|them|it|members'?)\b", 0.65,
     "asks how the network works"),
    # "how do hubs decide which events to run?", "is it up to the organisers?"
    (r"\bhow (?:do|does|are|is|did|would) (?:the |a |our |your |local |new |each )?(?:hubs?"
     r"|events?|meetings?|decisions?|officers?|organisers?|organizers?|members|principles"
     r"|network|steering group|bulletins?|digests?|campaigns?|votes?|elections?|chairs?"
     r"|secretar(?:y|ies)|treasurers?)\b[^.!?]{0,60}\?|\bis it (?:all )?(?:up to|down to"
     r"|decided by) (?:the |each |a |our |your )?(?:organisers?|organizers?|officers?|hubs?"
     r"|members|committee|steering group|chair)\b|\bcan (?:any|an ordinary|every|any old)"
     r" (?:member|one|body|person)\b[^.!?]{0,40}\?", 0.7, "asks how the network works"),
    # "is there a Welsh version of the principles?", "the principles in large print?"
    (r"\b(?:version|copy|copies|translation|pdf|print-?out|edition)s? (?:of|for) (?:the |your"
     r" |these )?(?:twelve |12 |founding )?(?:principles|constitution|rules)\b[^.!?]{0,40}\?"
     r"|\bprinciples\b[^.!?]{0,20}\b(?:in|into) (?:welsh|cymraeg|gaelic|irish|scots|polish"
     r"|urdu|punjabi|bengali|arabic|somali|romanian|portuguese|spanish|french|german|italian"
     r"|other languages|another language|large print|braille|easy read|audio)\b", 0.7,
     "asks for the principles in another form"),
    (r"(?:comment (?:[çc]a|cela) (?:marche|fonctionne)|c[óo]mo funciona|wie funktioniert"
     r"|jak to dzia[łl]a|sut mae'?n gweithio|come funziona|hoe werkt)", 0.7,
     "asks how it works (non-English)"),
    (r"^(?:a |quick |one )?(?:question|questions|query|queries|enquiry|inquiry)\W*$", 0.5,
     "the subject says it is a question"),
    (r"^(?:help|help\?|help please|please help|\?|commands|info|information|how does this"
     r" work\??)\W*$", 0.8, "asks for help"),
    (r"\bhow (?:do|can|would|should|could) (?:i|we|one|you|someone)\b", 0.65, "asks how to"),
    (r"\bwhat (?:can|should|do) i (?:email|send|write|do|reply)\b", 0.75, "asks what they can do"),
    (r"\b(?:list of|what are the|which) commands\b", 0.85, "asks for the commands"),
    (r"\bhow does (?:it|this|the network|membership|the hub|for the many|ftm)\b[^.!?]{0,20}"
     r"\bwork\b", 0.8, "asks how it works"),
    (r"\b(?:can|could) you (?:explain|tell me how|help me understand)\b", 0.6,
     "asks for an explanation"),
    (r"\bwhere (?:can|do) i (?:find|get|see|read)\b", 0.55, "asks where to find something"),
    (r"\bwhat happens (?:next|after|now|when|once|then)\b", 0.75, "asks what happens next"),
    (r"\b(?:when|where) (?:is|are|'s) (?:the )?(?:next|nearest|local) (?:meeting|hub|event"
     r"|group)s?", 0.65, "asks about local meetings"),
    (r"\bare there (?:any )?(?:meetings|events|local groups)\b", 0.5, "asks about meetings"),
    (r"\b(?:who (?:runs|funds|organises|organizes|is behind|are you|leads)|what (?:do you|does the"
     r" network|does for the many) (?:actually )?(?:stand for|do|want)|are you (?:a|an|part of"
     r"|affiliated|linked|connected)\b)", 0.65, "asks how the network works"),
    (r"\b(?:know|find out|hear|learn|tell me) (?:a (?:bit|little) )?more (?:about|first|before)",
     0.6, "wants to know more"),
    (r"\b(?:what (?:does|would|is) (?:an? )?(?:affiliation|affiliating|affiliate membership)"
     r"(?: (?:involve|entail|mean|cost|require)\w*)?|how (?:does|do|would) (?:affiliation"
     r"|affiliating|affiliates?)\b|(?:information|info|details|more) (?:about|on) (?:how )?"
     r"(?:affiliation|affiliating)|(?:thinking (?:about|of)|considering|interested in"
     r"|discussing|looking into) (?:affiliation|affiliating)|(?:can|could|may|do) (?:trade )?"
     r"(?:organisations|organizations|groups|branches|unions|societies|campaigns|charities"
     r"|associations|councils)\b[^.!?]{0,20}\b(?:affiliate|join)\b)", 0.75,
     "asks what affiliation involves"),
)

ORG = rules(
    (r"\b(?:we'?re|we are|this is|i'?m writing on behalf of|(?<!not )on behalf of"
     r"|(?:writing|write) as (?:the )?(?:\w+ )?(?:secretary|chair|treasurer|convenor|organiser"
     r"|coordinator|co-ordinator|president|officer|rep) (?:of|for)) (?:the )?[^.!?,]{0,60}"
     r"\b(?:branch|union|trades council|society|soc|association|campaign|collective"
     r"|co-op|coop|co-operative|cooperative|committee|club|federation|forum|alliance|coalition"
     r"|tenants|residents"
     r"|charity|cic|organisation|organization|group|network|chapter|caucus|centre|center"
     r"|project|mosque|church|chapel|synagogue|temple|gurdwara|foodbank|food bank)\b", 0.6,
     "writes as an organisation"),
    (r"\b(?:to|and|wish to|like to|want to|wants to|apply to|request to|seek to|seeking to)"
     r" affiliat(?:e|ion)\b|\baffiliat(?:e|ing|ion) (?:to|with)\b|\b(?:for|about|request"
     r"|application|apply for) affiliation\b|\b(?:branch|group|union|organi[sz]ation(?:al)?"
     r"|society|campaign|council|association) affiliation\b|\baffiliated (?:organi[sz]ation"
     r"|group|body|branch|member|campaign|union|society|association|charity|club|network"
     r"|council|collective)\b", 0.8, "asks to affiliate"),
    # "our committee has read the principles", "the committee of X Tenants and Residents
    # Association agreed": the body, perhaps named after "of", decided
    (r"\b(?:our|the|its) (?:\w+ )?(?:branch|committee|society|association|group|union"
     r"|organisation|organization|campaign|members|membership|executive|agm|meeting|collective"
     r"|board|council|trustees|officers)\b(?: of [^.!?,]{2,60}?)?"
     r"(?: (?!i\b|and\b|but\b|me\b)[\w'-]+){0,3} (?:has |have |had )?(?:voted|agreed|decided"
     r"|resolved|would like|wants|wish|wishes|unanimously|approved|endorsed|read|discussed"
     r"|considered|gone through|went through|looked at|passed a (?:motion|resolution))\b", 0.75,
     "the organisation decided to join"),
    (r"\b(?:join|sign up|affiliate|commit)\w*\b[^.!?]{0,40}\bas an? (?:affiliated |member"
     r" |partner |local |community |campaign |union |trade union )?(?:group|organisation"
     r"|organization|branch|union|society|body|collective|campaign|association|charity|club"
     r"|council|network|co-?op|cooperative|co-operative)\b|\bas a group\b", 0.8,
     "joins as a group"),
    (r"\b(?:our|the) (?:organisation|organization|group|branch|society|union|campaign"
     r"|association) (?:to|would like to|wants to|wishes to) (?:join|affiliate|sign up)", 0.8,
     "the organisation wants to join"),
)
