"""What people write when they ask about their membership: a move, their status, how things work.

Patterns run on *flattened* own text, like ``inbox.joining``; each row is
``(pattern, weight, reason)``, scored as a noisy-OR.
"""

from __future__ import annotations

from inbox.rules import rules

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
    # "which hub have you put me in?", "wat postcode hav u got for me?": what we recorded
    (r"\b(?:what|which|wat|wot) (?:postcode|post code|address|e-?mail address|e-?mail|name"
     r"|details|data|information|info|records?|hub|group|branch) (?:have|hav|do|did|are|'ve)"
     r" (?:you|u|ya) (?:got|have|hold|use|using|keep|store|holding|keeping"
     r"|storing|put|placed?|assign(?:ed)?|allocated?|add(?:ed)?|register(?:ed)?|record(?:ed)?"
     r"|list(?:ed)?|sign(?:ed)?)\b"
     r"|\bwhat (?:have|do) you (?:got|have|hold|keep) (?:on|about"
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
    # a question in statement order, as learners of English write it: "how I can invite my
    # friends?", "where we should send the form?"
    (r"(?:^|[.!?,] |\b(?:please|pls|but|and|so|hello|hi) )(?:how|where|what|when) (?:i|we)"
     r" (?:can|could|should|must|do|need to|have to|may)\b[^.!?]{0,80}\?", 0.65,
     "asks how to (statement order)"),
    (r"\bwhat (?:can|should|do) i (?:email|send|write|do|reply)\b", 0.75, "asks what they can do"),
    # "what's the process for starting a hub?", "is there a minimum number of members?"
    (r"\bwhat(?:'s| is| are| would be) the (?:usual |normal )?(?:process|procedure|steps"
     r"|requirements?|criteria) (?:for|to|of|in|when)\b|\bis there an? (?:minimum|maximum)"
     r" (?:number|size|amount)\b", 0.7, "asks about a process"),
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
