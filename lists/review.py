"""The review queue: messages ftm would not act on alone, kept until a person decides.

``inbox.process`` adds an item (the message's bytes and the reason) whenever a message
goes to review. A volunteer lists them (``ftm review list``), reads one
(``ftm review show``), and either has ftm act on it as they read it
(``ftm review resolve ID --as join``, through ``inbox.process.resolve``) or sets it
aside (``ftm review dismiss``). Either way the item is closed with what was done, and
the audit log says who decided (never the person's address).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from lists.clock import iso
from lists.members import audit

# what a person may have ftm do with a message from the queue: the membership requests.
# List mail (events, posts, bulletins) needs its officer's own round trip instead.
RESOLVABLE = ("join", "join_commit", "commit", "org_join", "leave", "erase", "move", "status",
              "help")


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    inbound_id: int
    reason: str
    raw: bytes
    created_at: str
    resolved_at: str | None
    resolution: str | None
    from_addr: str
    subject: str
    intent: str


def items(db: sqlite_utils.Database, include_resolved: bool = False,
          limit: int = 50) -> list[dict[str, Any]]:
    """Queue items, oldest open first (with *include_resolved*, the newest of all first)."""
    where = "" if include_resolved else "WHERE r.resolved_at IS NULL"
    order = "r.id DESC" if include_resolved else "r.id"
    return list(db.query(
        "SELECT r.id, r.created_at, r.reason, r.resolved_at, r.resolution, i.from_addr, "
        "i.subject, i.intent FROM review_items r JOIN inbound_messages i ON i.id = r.inbound_id "
        f"{where} ORDER BY {order} LIMIT ?", [limit]))


def count_open(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM review_items WHERE resolved_at IS NULL")
               .fetchone()[0])


def get(db: sqlite_utils.Database, item_id: int) -> Item | None:
    row = db.execute(
        "SELECT r.id, r.inbound_id, r.reason, r.raw, r.created_at, r.resolved_at, r.resolution, "
        "coalesce(i.from_addr, ''), coalesce(i.subject, ''), coalesce(i.intent, '') "
        "FROM review_items r JOIN inbound_messages i ON i.id = r.inbound_id WHERE r.id = ?",
        [item_id]).fetchone()
    return Item(*row) if row else None


def close(db: sqlite_utils.Database, item: Item, resolution: str, actor: str,
          now: datetime, member_id: int | None = None) -> bool:
    """Close an open item with what was done (joins the caller's transaction).

    False when it was closed already (by another volunteer a moment ago).
    """
    done = db.execute("UPDATE review_items SET resolved_at = ?, resolution = ? "
                      "WHERE id = ? AND resolved_at IS NULL",
                      [iso(now), resolution[:500], item.id]).rowcount
    if done:
        audit(db, now, actor, "review-resolved", member_id, item=item.id,
              resolution=resolution[:200])
    return bool(done)
