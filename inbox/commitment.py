"""Commitment to the twelve principles: assent, partial or conditional agreement, refusal.

Patterns run on *flattened* own text (``inbox.rules.flatten``), like ``inbox.joining``.
``COMMIT`` is an explicit commitment in the person's own words; ``NOT_COMMIT`` makes it
partial, conditional or refused; ``RESERVATIONS`` are the parts of it strong enough to
stop a join; ``REFUSE`` and ``ASSENT`` read a reply to the confirmation mail.
"""

from __future__ import annotations

import re

from inbox.rules import Table, rules

_ME = r"(?:i|we)"
# "everything you stand for", "all that the network does": support for the network, not
# agreement with the principles
_NOT_THE_NETWORK = (r"(?! (?:(?:that|which) )?(?:you|you'?re|you guys|ftm|for the many|the network"
                    r"|your (?:network|group|movement|organisation|organization|campaign"
                    r"|work))\b)")

COMMIT = rules(
    (rf"\b{_ME}(?: also| hereby| fully| wholeheartedly| happily| gladly| do| truly| can| will"
     r"| absolutely| definitely)* (?:commit|pledge)\b", 0.9, "says I commit"),
    (r"\b(?:happy|willing|glad|proud|ready|pleased|delighted) to commit\b", 0.9,
     "happy to commit"),
    (r"\bcommit(?:ted|ting)? (?:myself |ourselves )?to (?:all|each|every|the|your|these|them"
     r"|its|those|those|this|the network'?s)\b", 0.85, "commits to the principles"),
    (r"\b(?:agree|agreed|agreeing|agrees) (?:with|wiv|wit|wi|w/|to) (?:all|every|each|the|your|ur"
     r"|these|them|em|'em|those|its|everything)\b" + _NOT_THE_NETWORK + r"[^.!?]{0,40}"
     r"\b(?:principles?|them|em|one|all|twelve|12)\b", 0.85, "agrees with the principles"),
    (r"\b(?:agree|agreed) (?:with|to) (?:all|everything|every single one|every one|each one)\b"
     + _NOT_THE_NETWORK, 0.85, "agrees with all of them"),
    (r"\b(?:i|we) agree(?: with)?(?: it| them| this)? all\b" + _NOT_THE_NETWORK, 0.8,
     "agrees with all"),
    (r"\b(?<!not )(?<!n't )(?:accept(?:s|ed)?|endorse[sd]?|adopt(?:s|ed)?|sign(?:s|ed)? up to"
     r"|subscribe[sd]? to|stand(?:s)? by|uphold(?:s)?)"
     r"(?: all| each| every| every one of| each of| the| your| ur| these| those| its| twelve"
     r"| 12| of| founding| for the many'?s| the network'?s| ftm'?s)+ (?:\w+ )?principles\b", 0.85,
     "accepts the principles"),
    (r"\b(?<!not )(?<!n't )(?:accept(?:s|ed)?|endorse[sd]?|support(?:s|ed)?|back(?:s|ed)?"
     r"|sign(?:s|ed)? up to|subscribe[sd]? to|uphold(?:s)?) (?:each and )?(?:every (?:single )?one"
     r" of (?:them|these|those)|each (?:one )?of (?:them|these|those)|all (?:of )?(?:them|these)"
     r"|them all)\b", 0.85, "accepts every one of them"),
    (r"\bsupport (?:all|each|every one) of (?:the|your|these) (?:\w+ )?principles\b"
     r"|\bsupport (?:all|each of) (?:the )?(?:twelve|12) (?:\w+ )?principles\b", 0.75,
     "supports all the principles"),
    (r"\b(?:can'?t|cannot|couldn'?t|didn'?t|did not) find (?:one|any|a single one|anything)"
     r" (?:i|we) disagree", 0.8, "finds nothing to disagree with"),
    (r"\b(?:i|we) (?:agree|commit) to (?:them|these|it|this)\b", 0.8, "agrees to them"),
    (r"\byes to (?:all|each|every one)(?: of)?(?: the| your)? (?:twelve|12|principles)\b"
     r"|\bprinciples\b[^.!?]{0,30}\b(?:and|&) (?:i |we )?(?:fully |completely |totally"
     r" |wholeheartedly |100% )?(?:agree|accept|endorse|commit)\b(?! with (?:some|most|many"
     r"|parts?|a few|several))", 0.8, "read the principles and agrees"),
    (r"\b(?:principles?)[^.!?]{0,30}\b(?:agree with (?:every|all|each)|fully agree|100%)", 0.8,
     "agrees with the principles"),
    # "read your twelve points and I agree with the lot": all of them, in other words
    (r"\b(?:principles|points|twelve|12)\b[^.!?]{0,60}\b(?:agree|agreed|accept|accepted|back"
     r"|endorse|sign up to|go along with)(?: with| wi| wiv| to)? (?:the (?:whole )?lot"
     r"|every (?:last|single) one|all of it|the whole thing)\b(?! of)", 0.8,
     "agrees with the lot"),
    # "I'm for every one of them", "we're all for the lot of them"
    (r"\b(?:i'?m|i am|we'?re|we are) (?:all |100% |fully )?for (?:every (?:single )?one|each"
     r"(?: and every)?(?: one)?|all|the lot|the whole lot) of (?:them|these|those|the principles"
     r"|your principles|the twelve|the 12|your twelve)\b", 0.8, "is for every one of them"),
    # casual words: "100% behind all 12 principles", "on board with every one of them"
    (r"\b(?:behind|on ?board with|down with|signed up to) (?:all|each|every|the|your|ur|these"
     r"|those)(?: (?:single )?(?:one )?of)?(?: the| your| ur| these| those)?(?: twelve| 12"
     r"| founding)? (?:principles|twelve|12)\b", 0.8, "stands behind the principles"),
)

_NUM = (r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
        r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)")
_NAMED = rf"(?:principle|number|no\.?|point|#) ?{_NUM}\b"
_CANNOT = (r"(?:can'?t|cannot|can not|won'?t|will not|wouldn'?t|couldn'?t|don'?t|do not)"
           r"(?: \w+)? (?:sign up to|agree (?:with|to)|accept|support|endorse|back|commit to"
           r"|get behind|go along with|subscribe to|agree|commit)")

# Partial, conditional or refused commitment: never counts as a commitment.
NOT_COMMIT = rules(
    # one principle named and refused: "can't accept principle 7", "number 11 I can't support"
    (rf"\b{_CANNOT} (?:the (?:one|bit|part|principle) (?:on|about)|{_NAMED})"
     rf"|\b{_NAMED}[^.!?]{{0,20}}\b(?:i|we) {_CANNOT}", 0.9, "rejects a principle"),
    (r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) (?:of|out of)"
     r" (?:the |your |all |those |these )?(?:twelve|12)\b|\ball but (?:one|two|three|a few"
     r"|number|principle|point|no\.?|#|\d)", 0.9, "agrees with only some of them"),
    (r"\b(?:can'?t|cannot|can not|couldn'?t|won'?t|will not|wouldn'?t)(?: (?:honestly|really"
     r"|fully|quite|personally|in (?:all |good )?conscience))? (?:sign up to|agree (?:with|to)"
     r"|accept|support|endorse|get behind|commit to|go along with|back|subscribe to)\b(?! more)",
     0.85, "cannot accept part of it"),
    (r"\b(?:agree|support|accept|endorse|sign up to|go along with)\w*"
     r"(?: with)? (?:most|some|many|several|nearly all|almost all|a few|the majority|a lot|lots)"
     r" of (?:the |your |these |those |ur |its )?(?:(?:twelve |12 |founding )*principles|them"
     r"|twelve|12)\b", 0.9, "agrees with only some of the principles"),
    (r"\b(?:most|some|many|several|nearly all|almost all|a few|majority) of (?:the|your|them"
     r"|these|those|ur)\b", 0.8, "agrees only partly"),
    (r"\b(?:except|apart from|other than|save for|with the exception of|bar)\s+(?:for\s+)?"
     r"(?:number|principle|no\.?|point|#|the one|\d)", 0.9, "makes an exception"),
    (r"\b(?:not sure about|not convinced (?:by|about)|reservations? (?:about|on|with)"
     r"|unsure about|struggle with|(?:a |some )?problem with|(?:an |some )?issues? with"
     r"|(?:don'?t|do not) (?:fully |really |quite )?agree with|disagree with|can'?t support"
     r"|cannot support|can'?t get behind|object to)\s+(?:the one|one of|some of|all of|all"
     r"|every(?!one|body)|everything|number|principle|no\.?\s?\d|point|#|\d"
     r"|the (?:\w+ ){0,3}(?:one|principle|point)"
     r"|it all|them all)", 0.9, "has reservations about a principle"),
    (r"\b(?:can'?t agree|cannot agree|can'?t commit|cannot commit|can not commit|won'?t commit"
     r"|will not commit|not (?:ready|able|willing|prepared) to commit|don'?t commit|do not commit"
     r"|not commit|not all of|some reservations|reservations about)\b", 0.9,
     "will not commit fully"),
    (r"\b(?:if|provided|providing|as long as|on condition|so long as|once you)\b[^.!?]{0,60}"
     r"\b(?:commit|agree|accept)", 0.6, "makes it conditional"),
    (r"\b(?:before|until|till|once|when) (?:i|we) (?:commit|agree|accept|confirm|sign|decide"
     r"|join)\b", 0.8, "wants an answer before committing"),
    # "I'll commit once you can tell me ...": a promise that waits on an answer
    (r"\b(?:commit|agree|accept|confirm|sign)\w*\b[^.!?]{0,60}\b(?:once|when|after"
     r"|until|till|as soon as) (?:i|we|you|someone|somebody|anyone)(?:'ve|'re|'ll| have| are"
     r"| can| could| will| would| do| has)? (?:know|hear|heard|seen|see|had|got"
     r"|get|tell|told|explain|explained|confirm|confirmed|let|answer|answered|send|sent|clarify"
     r"|clarified|reply|replied|respond|responded|find out|found out|understand|read|checked"
     r"|check|looked|look)\b", 0.8, "wants an answer before committing"),
    (r"\b(?:commit|agree|accept)\w*\b[^.!?]{0,60}\b(?:provided|providing|as long as|on condition"
     r"|so long as|but only if|only if)\b", 0.8, "makes it conditional"),
    (r"^(?:yes|yeah|yep|ok|okay|sure|fine|agreed|happy to|i agree|i commit|i accept|i do"
     r"|i will)\b[^.!?]{0,20}\b(?:if|provided|providing|as long as|so long as|on condition"
     r"|but only if|assuming|once(?! again| more))\b", 0.8, "makes it conditional"),
    (r"\b(?:but|though|although|however|except)\b[^.!?]{0,60}\b(?:principle|number|point|no\.?)"
     r" ?(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|\b(?:talk|speak"
     r"|discuss|chat)\b[^.!?]{0,40}\b(?:first|before i (?:commit|confirm|agree|sign))\b", 0.8,
     "qualifies a principle or wants to talk first"),
    (r"\b(?:broadly|mostly|largely|partly|partially|in part|more or less|for the most part"
     r"|in principle|with (?:some|a few|one|two|minor|certain) (?:reservations?|caveats?"
     r"|exceptions?|qualifications?|doubts?|concerns?)|(?:some|a few|my|one or two|slight|minor"
     r"|serious) (?:doubts|concerns|reservations|qualms|misgivings) (?:about|over|on|with"
     r"|regarding)|not (?:entirely|completely|totally|100%|wholly|fully) (?:sure|convinced|on"
     r" board|behind|in agreement))\b", 0.8, "agrees only in part"),
)

# A reply to the confirmation mail that declines.
REFUSE = rules(
    (r"^(?:no|nope|nah|no thanks?|not now)\b|\bno,? thanks?\b|\bchanged my mind\b|\bnot for me\b"
     r"|\bnot interested\b|\b(?:don'?t|do not|no longer) (?:want|wish) to (?:join|be a member"
     r"|commit|sign up|go ahead)\b|\b(?:i|we) (?:do not|don'?t|cannot|can'?t|won'?t) (?:agree"
     r"|accept|commit)\b", 0.9, "declines"),
    (r"\b(?:i|we) (?:didn'?t|did not|never|have not|haven'?t) (?:ask(?:ed)?|appl(?:y|ied)"
     r"|sign(?:ed)? up|register(?:ed)?|subscribe(?:d)?|request(?:ed)?)\b[^.!?]{0,20}"
     r"|\bsomeone (?:else )?(?:must have|has|have|may have|signed|put|used|entered)\b[^.!?]{0,30}"
     r"\b(?:me|my (?:e-?mail|name|address|details))\b|\bnot me who\b|\bwasn'?t me\b", 0.85,
     "says they never asked to join"),
)
# Reservations strong enough to stop a join that makes no commitment at all.
RESERVATIONS = Table([r for r in NOT_COMMIT if r.reason in (
    "has reservations about a principle", "makes an exception", "will not commit fully",
    "agrees with only some of the principles", "agrees with only some of them",
    "rejects a principle")])

# Assent in a reply to the confirmation mail: any of these (or nothing at all) counts.
ASSENT = rules(
    (r"^(?:yes|yep|yeah|yup|ya|aye|ok|okay|sure|confirmed?|agreed|absolutely|definitely"
     r"|of course|certainly|indeed|correct|right|done|go on then|sounds good|i do|i will"
     r"|happy to|deal|tak|oui|ja|si|sí|ie|do)\b", 0.8, "assents"),
    (r"\b(?:i confirm|confirmed|confirming|count me in|i'?m in|im in|i accept|i agree"
     r"|agreed|100%|yes please|absolutely|definitely|all good|happy to)\b", 0.8, "assents"),
    ("(?:\U0001F44D|\U0001F44C|\u270A|\u2705|\u2714|\U0001F4AA)", 0.6, "assents with an emoji"),
)

# Litotes: agreement with every principle said as "no principle I'd reject" ("not one I'd
# argue with", "there isn't one of them I don't agree with", "can't find one I'd cross out",
# "none of the twelve I would object to"). Read as it is meant before the tables run, so the
# "one of your twelve" and "don't agree with" inside it are not taken as a partial commitment.
_OBJECT = (r"(?:(?:'d| would| could| can| do| did|'ll| will)?(?: (?:really|honestly|seriously"
           r"|actually|want to|wish to|ever))? (?:argue with|disagree with|object to|quibble with"
           r"|cross out|strike out|take issue with|reject|fault|change)|(?: don'?t| do not| didn'?t"
           r"| did not| wouldn'?t| would not| can'?t| cannot| couldn'?t)(?: (?:fully|really|quite"
           r"|happily|honestly))? (?:agree with|support|accept|sign up to|back|stand behind"
           r"|get behind))")
_WHICH = (r"(?:a )?(?:single )?(?:one|principle|point)(?: of (?:the|your|ur|these|those|them)"
          r"(?: (?:twelve|12|founding))*(?: (?:principles|points))?)?")
_NONE_REJECTED = re.compile(
    r"\b(?:(?:there(?: is| was|'s)(?: not|n't)|there'?s no|(?:i|we) (?:can'?t|cannot|couldn'?t"
    r"|could not|didn'?t|did not) (?:find|see|spot)|not) " + _WHICH
    + r"|(?:there'?s |there is )?(?:nothing|none(?: of (?:them|the (?:twelve|12|principles)"
    r"|(?:the|your|these) (?:twelve |12 )?principles))?))"
    r"(?: in (?:there|them|it|the list))?(?: (?:that|which))? (?:i|we)" + _OBJECT + r"\b")
_PRINCIPLES = re.compile(r"\b(?:principles?|twelve|12|points)\b")


def plain_litotes(text: str) -> str:
    """*text* (flattened) with "not one I'd argue with" said plainly, if about the principles."""
    if not _PRINCIPLES.search(text):
        return text
    return _NONE_REJECTED.sub("i agree with every one of the principles", text)
