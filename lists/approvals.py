"""Approval codes: single-use tokens (action ``approve``) bound to the address that must answer.

An approval mail carries its code in its Reply-To (``network+approve-CODE@...``), so
a plain reply brings the code back; only the person the code was mailed to can use
it, and only once. The token's data says what it approves::

    {"what": "bulletin" | "event" | "event-cancel" | "post" | "own-post", "id": 7}

``what`` is ``own-post`` when a member confirms their own post (their From was not
proven by DKIM) and ``post`` when an officer approves someone else's. An approved
event's organiser gets an ``event-cancel`` code, valid until the event starts, to
call it off by replying CANCEL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from lists import tokens
from lists.clock import iso
from lists.policy import Policy
from lists.tokens import TokenRow, hash_token

ACTION = "approve"


def issue(db: sqlite_utils.Database, email: str, what: str, item_id: int, now: datetime,
          policy: Policy, ttl: timedelta | None = None) -> str:
    """A fresh approval code for *email* to approve item *what*/*item_id*; joins the caller's
    transaction. The code is returned once and only its hash is stored. It works for
    ``policy.approval_ttl`` unless *ttl* says otherwise."""
    return tokens.issue(db, ACTION, email, now, ttl or policy.approval_ttl,
                        data={"what": what, "id": item_id})


def context(policy: Policy, token: str, ttl: timedelta | None = None) -> dict[str, object]:
    """The context keys every approval mail gets: where to answer, and for how long."""
    address = policy.sub_address(f"approve-{token}")
    return {"approve_address": address, "reply_to": address,
            "expires_days": (ttl or policy.approval_ttl).days}


def valid(db: sqlite_utils.Database, token: str, email: str, now: datetime) -> TokenRow | None:
    """The code's row when *email* may use it now (unused, unexpired, theirs), else None."""
    return tokens.peek(db, token, ACTION, email, now)


def use(db: sqlite_utils.Database, token: str, email: str, now: datetime) -> bool:
    """Use the code up; False when another message used it first."""
    return tokens.redeem(db, token, ACTION, email, now) is not None


def why_not(db: sqlite_utils.Database, token: str, email: str, now: datetime) -> str:
    """Why a code cannot be used by *email*: used, expired, someone else's, or unknown."""
    row = db.execute("SELECT email, used_at, expires_at, action FROM tokens WHERE token_hash = ?",
                     [hash_token(token)]).fetchone()
    if row is None or row[3] != ACTION:
        return "unknown"
    if row[0].casefold() != email.strip().casefold():
        return "not yours"
    if row[1] is not None:
        return "used"
    if row[2] <= iso(now):
        return "expired"
    return "unknown"


def withdraw(db: sqlite_utils.Database, what: str, item_id: int, now: datetime) -> int:
    """Use up every other code for one item: once it is decided, the others are void."""
    return db.execute(
        "UPDATE tokens SET used_at = ? WHERE action = ? AND used_at IS NULL "
        "AND json_extract(data, '$.what') = ? AND json_extract(data, '$.id') = ?",
        [iso(now), ACTION, what, item_id]).rowcount
