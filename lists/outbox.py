"""The outbox: mail ftm has decided to send, queued in the caller's transaction.

``enqueue()`` only inserts a row, so a command and its replies commit together and a
rolled-back command sends nothing. The mailer claims due rows, renders and delivers
them, and records the result here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from lists.clock import iso

KINDS = ("reply", "notice", "list", "bulletin", "digest")


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message to one recipient, described by template and data, not yet rendered.

    ``template`` names a template pair such as ``member/confirm-join`` (``.txt`` and
    an optional ``.html``); ``context`` must be JSON-serialisable, and is data only:
    nothing in it is ever used as template source. ``kind`` says what the mail is:
    ``reply`` (an automatic answer, sent with ``Auto-Submitted: auto-replied``),
    ``notice`` (to a member or an officer), ``list``/``digest``/``bulletin`` (list mail
    with List-Id and List-Unsubscribe).
    """

    template: str
    to_addr: str
    to_name: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "reply"
    member_id: int | None = None
    hub_id: int | None = None
    in_reply_to: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown outgoing mail kind {self.kind!r}")
        if "\n" in self.to_addr or "\r" in self.to_addr or "@" not in self.to_addr:
            raise ValueError(f"not a single address: {self.to_addr!r}")


def enqueue(db: sqlite_utils.Database, mail: OutgoingMail, now: datetime) -> int:
    """Queue *mail* for delivery as soon as the relay allows; return its outbox id.

    Joins whatever transaction the caller has open (call it inside ``transaction(db)``).
    """
    cur = db.execute(
        "INSERT INTO outbox (kind, template, to_addr, to_name, member_id, hub_id, context, "
        "in_reply_to, state, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
        [mail.kind, mail.template, mail.to_addr, mail.to_name, mail.member_id, mail.hub_id,
         json.dumps(dict(mail.context), sort_keys=True), mail.in_reply_to, iso(now), iso(now)])
    return int(cur.lastrowid or 0)


def replies_since(db: sqlite_utils.Database, to_addr: str, since: datetime) -> int:
    """How many automatic replies went (or wait to go) to *to_addr* since *since*."""
    row = db.execute(
        "SELECT count(*) FROM outbox WHERE to_addr = ? COLLATE NOCASE AND kind = 'reply' "
        "AND created_at >= ? AND state != 'cancelled'", [to_addr, iso(since)]).fetchone()
    return int(row[0])
