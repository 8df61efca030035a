"""The outbox: mail ftm has decided to send, queued in the caller's transaction.

``enqueue()`` only inserts a row, so a command and its replies commit together and a
rolled-back command sends nothing. The mailer claims due rows, renders and delivers
them, and records the result here.

A row's life: ``queued`` -> ``sending`` (claimed; ``next_attempt_at`` is then the end
of the claim's lease, after which a crashed worker's rows are claimed again) ->
``sent`` | ``failed`` (a 5xx, or too many attempts) | back to ``queued`` with a later
``next_attempt_at`` (a 4xx, a timeout, a dropped connection). ``cancelled`` is
final; ``retry()`` puts a failed or cancelled row back in the queue.

Bulk sends keep the same states in their ``deliveries`` rows (``lists.sends``), and
both record results with ``Result`` values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlite_utils

from lists.clock import iso, parse

KINDS = ("reply", "notice", "list", "bulletin", "digest")
LIST_KINDS = ("list", "bulletin", "digest")
WAITING = ("queued", "sending")


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


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """An outbox row as the mailer and ``ftm outbox list`` see it."""

    id: int
    kind: str
    template: str
    to_addr: str
    to_name: str | None
    member_id: int | None
    hub_id: int | None
    context: Mapping[str, Any]
    in_reply_to: str | None
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    message_id: str | None
    created_at: datetime
    sent_at: datetime | None


def _row(r: Mapping[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=r["id"], kind=r["kind"], template=r["template"], to_addr=r["to_addr"],
        to_name=r["to_name"], member_id=r["member_id"], hub_id=r["hub_id"],
        context=json.loads(r["context"] or "{}"), in_reply_to=r["in_reply_to"],
        state=r["state"], attempts=r["attempts"], next_attempt_at=parse(r["next_attempt_at"]),
        last_error=r["last_error"], message_id=r["message_id"],
        created_at=parse(r["created_at"]), sent_at=parse(r["sent_at"]) if r["sent_at"] else None)


Status = Literal["sent", "retry", "failed"]


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one attempt: ``sent``, ``retry`` at ``next_attempt_at``, or ``failed``.

    ``error`` is the server's answer (``"550 5.1.1 No such user"``) or what went wrong.
    """

    row_id: int
    status: Status
    error: str | None = None
    next_attempt_at: datetime | None = None
    message_id: str | None = None


def get(db: sqlite_utils.Database, row_id: int) -> OutboxRow | None:
    """One outbox row, or None."""
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [row_id]))
    return _row(rows[0]) if rows else None


def due_count(db: sqlite_utils.Database, now: datetime) -> int:
    """How many rows could be claimed at *now*."""
    row = db.execute("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending') "
                     "AND next_attempt_at <= ?", [iso(now)]).fetchone()
    return int(row[0])


def claim_due(db: sqlite_utils.Database, now: datetime, limit: int, lease: timedelta,
              ids: list[int] | None = None) -> list[OutboxRow]:
    """Claim up to *limit* due rows (oldest first) for one worker; join the caller's transaction.

    Queued rows whose time has come and ``sending`` rows whose lease ran out (their
    worker died) are claimed: ``state`` becomes ``sending``, ``attempts`` grows by one
    and ``next_attempt_at`` becomes the end of the lease. *ids* restricts the claim.
    """
    if limit <= 0:
        return []
    sql = ("SELECT * FROM outbox WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?")
    params: list[Any] = [iso(now)]
    if ids is not None:
        if not ids:
            return []
        sql += f" AND id IN ({', '.join('?' for _ in ids)})"
        params += ids
    rows = list(db.query(sql + " ORDER BY next_attempt_at, id LIMIT ?", [*params, limit]))
    if not rows:
        return []
    until = iso(now + lease)
    db.conn.executemany("UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                        "next_attempt_at = ? WHERE id = ?", [(until, r["id"]) for r in rows])
    return [_row({**r, "state": "sending", "attempts": r["attempts"] + 1,
                  "next_attempt_at": until}) for r in rows]


def record(db: sqlite_utils.Database, results: list[Result], now: datetime) -> None:
    """Store what became of claimed rows; join the caller's transaction."""
    apply_results(db, "outbox", results, now)


def apply_results(db: sqlite_utils.Database, table: str, results: list[Result],
                  now: datetime) -> None:
    """Store results in ``outbox`` or ``deliveries`` (the same columns) with one statement each."""
    if table not in ("outbox", "deliveries"):
        raise ValueError(table)
    sent = [(iso(now), r.row_id) for r in results if r.status == "sent"]
    retry = [(iso(r.next_attempt_at or now), r.error, r.row_id)
             for r in results if r.status == "retry"]
    failed = [(r.error, r.row_id) for r in results if r.status == "failed"]
    if sent:
        db.conn.executemany(f"UPDATE {table} SET state = 'sent', sent_at = ?, last_error = NULL "
                            "WHERE id = ? AND state = 'sending'", sent)
    if retry:
        db.conn.executemany(f"UPDATE {table} SET state = 'queued', next_attempt_at = ?, "
                            "last_error = ? WHERE id = ? AND state = 'sending'", retry)
    if failed:
        db.conn.executemany(f"UPDATE {table} SET state = 'failed', last_error = ? "
                            "WHERE id = ? AND state = 'sending'", failed)
    if table == "outbox":
        ids = [(r.message_id, r.row_id) for r in results if r.message_id]
        if ids:
            db.conn.executemany("UPDATE outbox SET message_id = ? WHERE id = ?", ids)


def waiting(db: sqlite_utils.Database, include_failed: bool = True,
            limit: int = 200) -> list[OutboxRow]:
    """Rows that wait (queued, sending) and, unless told otherwise, those that failed."""
    states = ["queued", "sending"] + (["failed"] if include_failed else [])
    marks = ", ".join("?" for _ in states)
    return [_row(r) for r in db.query(
        f"SELECT * FROM outbox WHERE state IN ({marks}) ORDER BY next_attempt_at, id LIMIT ?",
        [*states, limit])]


def cancel(db: sqlite_utils.Database, row_id: int) -> bool:
    """Cancel a queued row (one being sent right now cannot be); True if it was cancelled."""
    cur = db.execute("UPDATE outbox SET state = 'cancelled' WHERE id = ? AND state = 'queued'",
                     [row_id])
    return cur.rowcount == 1


def retry(db: sqlite_utils.Database, row_id: int, now: datetime) -> bool:
    """Queue a failed, cancelled or waiting row for delivery now; True if there was one."""
    cur = db.execute("UPDATE outbox SET state = 'queued', next_attempt_at = ?, attempts = 0 "
                     "WHERE id = ? AND state IN ('failed', 'cancelled', 'queued')",
                     [iso(now), row_id])
    return cur.rowcount == 1
