"""What people write when they want in: the join table, the wish not to join, organisations.

Patterns run on *flattened* own text (``inbox.rules.flatten``): the subject without
``Re:``/``Fwd:`` and the new text without quotes or signature. Each row is
``(pattern, weight, reason)``; an intent's score is the noisy-OR of the weights of its
rows that match. English first, then the languages members most often write in.
Rules describe language, never a particular message.
"""

from __future__ import annotations

import re

from inbox import foreign
from inbox.rules import rules, slips

# "I should like to join": the older British "should" of a wish, as "would"
_WANT = r"(?:i'?d|i would|i should|we'?d|we would|we should|i|we|i really|i'?m keen|i am keen)"



def _any(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


_WANT_OK, _TO_OK, _JOIN_OK = _any(["want", "wanna", "wana"]), _any(["to ", "ta ", "2 "]), "join"
_WANT_SLIP, _TO_SLIP = _any(slips("want")), _any([s + " " for s in slips("to")])
_JOIN_SLIP = _any(slips("join"))
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
    # the whole answer is "in." or "me in!" (a postcode may follow): the terse "I'm in"
    (r"^(?:me )?in(?: too| please)?[.!]+(?: |$)", 0.7, "says just \"in\""),
    # "happy to be your first member in Cornwall", "glad to be a member if you'll have me"
    (r"\b(?:happy|glad|keen|proud|delighted|willing|pleased|honoured|honored) to (?:be|become)"
     r" (?:a|an|your|one of your)(?: \w+){0,2} members?\b|\bif you(?:'ll| will) have (?:me|us)\b",
     0.8, "offers to be a member"),
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


ORG = rules(
    (r"\b(?:we'?re|we are|this is|i'?m writing on behalf of|(?<!not )on behalf of"
     r"|(?:writing|write) as (?:the )?(?:\w+ )?(?:secretary|chair|treasurer|convenor|organiser"
     r"|coordinator|co-ordinator|president|officer|rep) (?:of|for)) (?:the )?[^.!?,]{0,60}"
     r"(?<!\d )\b(?:branch|union|trades council|society|soc|association|campaign|collective"
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
