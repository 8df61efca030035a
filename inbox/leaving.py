"""What people write when they want out: leaving, erasure, and changes to what they receive.

Patterns run on *flattened* own text, like ``inbox.joining``; each row is
``(pattern, weight, reason)``, scored as a noisy-OR.
"""

from __future__ import annotations

from inbox import foreign
from inbox.rules import Finder, rules, slips

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

def _mistyped(*words: str) -> str:
    return "(?:" + "|".join(w for word in words for w in (word, *slips(word, doubled=True))) + ")"


# "plz delte all my detials", "eraes my data": the erasure words with typing slips
_DELETE_SLIP, _DETAILS_SLIP = _mistyped("delete", "erase", "remove"), _mistyped("details", "data")

ERASE = rules(
    (rf"\b{_DELETE_SLIP}\b[^.!?]{{0,30}}\b(?:my|our|all)\b[^.!?]{{0,25}}\b{_DETAILS_SLIP}\b",
     0.85, "asks for their data to be deleted (mistyped)"),
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
