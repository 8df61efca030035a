"""A short message that only supplies what an earlier join lacked: the postcode.

The README's ``join`` includes mail that "supplies what a join still lacks, such as the
postcode". A reply to our request for one is read in ``inbox.intent``; this reads fresh
mail that says so in its own words ("I forgot to put my postcode - it's PR1 3JX", "here's
my postcode as requested") or points back to the join it completes.
"""

from __future__ import annotations

from inbox.home import home_postcode
from inbox.parse import Parsed
from inbox.reading import Reading
from inbox.rules import Finder

_PC = r"(?:post ?code|post-code)"
# "forgot to include my postcode", "left my postcode off", "here's my postcode as requested"
SUPPLIES = Finder(
    r"\b(?:forgot|forgotten|forget|neglected|omitted|didn'?t (?:put|include|add|give|mention)"
    r"|did not (?:put|include|add|give|mention)|left (?:out|off)|missed (?:out|off))\b"
    rf"[^.!?]{{0,40}}\b{_PC}\b|\b{_PC}\b[^.!?]{{0,12}}\b(?:off|out)\b|\b(?:here'?s|heres|here is"
    rf"|this is) (?:my|the|our) {_PC}\b|\b{_PC}\b[^.!?]{{0,15}}\b(?:you asked for|as requested"
    r"|you needed|you wanted|you requested|that was missing)\b")
# "I emailed yesterday asking to join", "my sign-up earlier": the join this one completes
EARLIER_JOIN = Finder(
    r"\b(?:asking|asked|emailed|wrote|e-?mail|message|mail|application|request|form)\b"
    r"[^.!?]{0,30}\b(?:join|joining|sign(?:ing)? up|sign-?up|membership)\b|\b(?:signed up"
    r"|joined|applied|registered)\b")
_POSTCODE_WORD = Finder(rf"\b{_PC}\b")


def supplies_postcode(p: Parsed, r: Reading) -> bool:
    """A short, question-free message giving a postcode to complete an earlier join."""
    body = r.body
    if len(body.split()) > 40 or "?" in body or r.top("leave", "erase", "move", "status") >= 0.5:
        return False
    if not (SUPPLIES.search(body)
            or (_POSTCODE_WORD.search(body) and EARLIER_JOIN.search(body))):
        return False
    return home_postcode(p.new) is not None
