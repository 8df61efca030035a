"""Applying a one-click unsubscribe link (RFC 8058): the same leave as mail to +unsub-TOKEN.

A POST to ``{base_url}/unsubscribe?token=T`` (``inbox.web``) becomes the ``Leave``
command that mail to ``network+unsub-T@...`` becomes, applied by the same
``lists.membership.run`` in one ``transaction``: the token is redeemed, the member
left, consent withdrawn, their tokens revoked, the audit log written (actor ``web``)
and the ``member/left`` reply queued, all or nothing. A token that is unknown, used
or expired changes nothing, so a replayed POST has no second effect.

    unsubscribe = unsubscriber(db, policy)
    result = unsubscribe(token)      # Result("member left", member_id=12) or "nothing changed"
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from lists import membership, tokens
from lists.clock import utcnow
from lists.commands import Leave, Origin
from lists.policy import Policy, Result
from lists.store import transaction

RECEIVED_VIA = "web"
NOTHING_CHANGED = "nothing changed: token unknown, used or expired"


def unsubscribe(db: sqlite_utils.Database, token: str, now: datetime, policy: Policy) -> Result:
    """Leave by *token* as the unsubscribe address does; commits before returning.

    The token names whom it is for, so the command is made as if that address had
    written to its ``+unsub-`` address (any reply goes there, never to a stranger).
    Raises only when the store fails (``StoreBusy`` and friends).
    """
    with transaction(db):
        row = tokens.peek(db, token, "unsub", None, now)
        if row is None:
            return Result(NOTHING_CHANGED)
        origin = Origin(email=row.email, message_id="", proof="token", token=token,
                        token_action="unsub", received_via=RECEIVED_VIA)  # noqa: S106
        return membership.run(db, Leave(origin), now, policy)


def took_effect(result: Result) -> bool:
    """True when the token was good: the member has left now (or was no member already)."""
    return result.action != NOTHING_CHANGED and result.folder != "review"


def unsubscriber(db: sqlite_utils.Database, policy: Policy,
                 clock: Callable[[], datetime] = utcnow) -> Callable[[str], Result]:
    """``unsubscribe`` bound to a store and rules, one call at a time on that connection."""
    lock = threading.Lock()

    def run(token: str) -> Result:
        with lock:
            return unsubscribe(db, token, clock(), policy)

    return run
