"""How far the IMAP watcher got in a mailbox: its UIDVALIDITY and the last UID filed.

A message whose UID is at or below ``last_uid`` has been processed and moved out of
the watched mailbox; the cursor advances only after the move, so a crash before it
replays the message (the processor's idempotency makes the replay a duplicate).
When the server reports another UIDVALIDITY, the old UIDs mean nothing: the cursor
restarts at 0 and every message still in the mailbox is handed over again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from lists.clock import iso
from lists.store import transaction


@dataclass(frozen=True, slots=True)
class Cursor:
    uidvalidity: int
    last_uid: int


def load(db: sqlite_utils.Database, account: str, mailbox: str) -> Cursor | None:
    """The stored cursor for *account*'s *mailbox*, or None before the first pass."""
    row = db.execute("SELECT uidvalidity, last_uid FROM imap_cursors "
                     "WHERE account = ? AND mailbox = ?", [account, mailbox]).fetchone()
    return Cursor(int(row[0]), int(row[1])) if row else None


def save(db: sqlite_utils.Database, account: str, mailbox: str, cursor: Cursor,
         now: datetime) -> None:
    """Store *cursor* (its own small transaction, or part of the caller's)."""
    with transaction(db):
        db.execute(
            "INSERT INTO imap_cursors (account, mailbox, uidvalidity, last_uid, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, mailbox) DO UPDATE SET "
            "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
            "updated_at = excluded.updated_at",
            [account, mailbox, cursor.uidvalidity, cursor.last_uid, iso(now)])
