"""General rules for mail the classifier had not met (round 6): each in several new phrasings."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from tests.mailmaker import mail

CTX = Context()
CONFIRM = "Re: Please confirm: your For the Many membership"

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- litotes: "no principle I'd reject" is agreement with all of them --------------------
    ("join_commit: not a single one I would argue with", mail(
        "Went through your 12 principles last night. Not a single one I would argue with."
        " Please add me. LS6 2AB", subject="Membership"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: there is not one of the twelve I don't support", mail(
        "Honestly, there is not one of the twelve that I"
        " don't support. Count me in as a member, NE4 5TT.", subject="joining"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: nothing in there I'd object to", mail(
        "Read the principles. Nothing in there I'd object to. I'd like to join, B29 6AA.",
        subject="join"), {"intent": "join_commit", "commitment": True}),
    ("commit: couldn't find one I'd change", mail(
        "Took my time over the twelve. I couldn't find one I would change. Yes from me.",
        subject=CONFIRM, reply_to_ours=501), {"intent": "commit", "commitment": True}),
    ("review: litotes with an exception stays partial", mail(
        "Not one of the 12 I'd argue with, except number 7 which goes too far. Sign me up."
        " L8 1AA", subject="join"), {"intent": "review", "commitment": False}),
    ("join: 'not one I'd argue with' about something else is no commitment", mail(
        "Your reasons for starting this - not one I'd argue with. I'd like to join. CF10 3NB",
        subject="join"), {"intent": "join", "commitment": False}),
    # --- "everyone" is people, not "every" principle -----------------------------------------
    ("commit: disagreeing with everyone in a party is no reservation", mail(
        "I don't agree with everyone in my union, but I've read the principles and I commit"
        " to all twelve.", subject=CONFIRM, reply_to_ours=502),
     {"intent": "commit", "commitment": True}),
    ("join_commit: disagreeing with everybody else", mail(
        "I disagree with everybody at work about politics! I agree with all 12 principles"
        " though, please sign me up. G12 8QQ", subject="join"),
     {"intent": "join_commit", "commitment": True}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_unseen_kind(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    got = classify(raw, CTX)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)
