"""The right to erasure: confirm by token, then remove the person's data everywhere it is held.

What stays is a keyed hash of the address in ``suppressions`` (so no import re-adds
them) and audit rows that name no one. The last confirmation mail is queued after the
erasure; once it has been sent, ``scrub_sent`` deletes that outbox row too.
The store runs with ``secure_delete`` so removed text is overwritten on disk; the
caller checkpoints the WAL after the commit (``checkpoint``).
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from lists import members, tokens
from lists.commands import Origin
from lists.policy import Policy, Result
from lists.replies import Replier

ERASED_TEMPLATE = "member/erased"

# Tables and the column holding an address that erasure clears. Later features that
# store addresses add their table here, and the erasure test checks the file's bytes.
ADDRESS_COLUMNS: list[tuple[str, str]] = [
    ("tokens", "email"),
    ("outbox", "to_addr"),
    ("deliveries", "to_addr"),
    # the hub lists (#8): posts they wrote, "going" replies, roles, events and bulletins
    ("hub_posts", "from_addr"),
    ("event_rsvps", "email"),
    ("officers", "email"),
]
# The hub's and the network's own records that name the person as their author: they
# stay (a hub's past meetings, a sent bulletin), with the address replaced.
ANONYMISE_COLUMNS: list[tuple[str, str]] = [
    ("events", "organiser"),
    ("bulletins", "requested_by"),
]
ERASED = "erased"
# Tables whose rows are about one member (by member_id) and may hold their details.
MEMBER_TABLES = ["outbox", "deliveries", "tokens", "hub_posts", "event_rsvps"]


def request(db: sqlite_utils.Database, origin: Origin, now: datetime, policy: Policy,
            r: Replier) -> Result:
    """An erase request: with a valid erase token, erase; else mail a token to confirm."""
    if origin.token and origin.token_action == "erase":
        row = tokens.redeem(db, origin.token, "erase", None, now)
        if row is None:
            return Result("sent to review", "review",
                          "erase confirmation with a token that is unknown, used or expired")
        erase(db, row.email, now, policy.suppression_key)
        r.reply(row.email, ERASED_TEMPLATE, {}, final=True)
        return Result("personal data erased")
    m = members.find(db, origin.email)
    known = m is not None or db.execute(
        "SELECT 1 FROM inbound_messages WHERE from_addr = ? COLLATE NOCASE "
        "OR about_addr = ? COLLATE NOCASE LIMIT 1", [origin.email, origin.email]
    ).fetchone() is not None
    if not known:
        r.reply(origin.email, "member/not-a-member", {"request": "erase"})
        return Result("erase: nothing held for this address, told so")
    tokens.revoke(db, origin.email, "erase")
    token = tokens.issue(db, "erase", origin.email, now, policy.token_ttl, m.id if m else None)
    address = policy.sub_address(f"erase-{token}")
    ctx = {"name": m.name if m else None, "erase_address": address, "reply_to": address,
           "expires_days": policy.token_ttl.days}
    r.reply(origin.email, "member/erase-confirm", ctx, m.name if m else None,
            m.id if m else None)
    return Result("erase requested: confirmation sent", member_id=m.id if m else None)


def erase(db: sqlite_utils.Database, email: str, now: datetime, key: bytes) -> None:
    """Remove every trace of *email* from the store and keep only its suppression hash."""
    m = members.find(db, email)
    if m is not None:
        # mail about them (officers' notices, list deliveries) goes with them, and the
        # audit rows keep what happened but nothing that could name them
        for table in MEMBER_TABLES:
            if table in db.table_names():
                db.execute(f"DELETE FROM {table} WHERE member_id = ?", [m.id])
        db.execute("UPDATE audit_log SET detail = '{}' WHERE member_id = ?", [m.id])
        members.audit(db, now, "email", "erased", None)
        db.execute("DELETE FROM members WHERE id = ?", [m.id])
    db.execute("DELETE FROM review_items WHERE inbound_id IN (SELECT id FROM inbound_messages "
               "WHERE from_addr = ? COLLATE NOCASE OR about_addr = ? COLLATE NOCASE)",
               [email, email])
    db.execute("UPDATE inbound_messages SET from_addr = NULL, about_addr = NULL, "
               "subject = NULL WHERE from_addr = ? COLLATE NOCASE "
               "OR about_addr = ? COLLATE NOCASE", [email, email])
    tables = set(db.table_names())
    for table, column in ADDRESS_COLUMNS:
        if table in tables:
            db.execute(f"DELETE FROM {table} WHERE {column} = ? COLLATE NOCASE", [email])
    for table, column in ANONYMISE_COLUMNS:
        if table in tables:
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ? COLLATE NOCASE",
                       [ERASED, email])
    members.suppress(db, email, key, "erased at the person's request", now)


def scrub_sent(db: sqlite_utils.Database) -> int:
    """Delete the sent (or failed) last confirmations of erasures; how many went."""
    cur = db.execute("DELETE FROM outbox WHERE template = ? AND state IN ('sent', 'failed', "
                     "'cancelled')", [ERASED_TEMPLATE])
    return cur.rowcount


def checkpoint(db: sqlite_utils.Database) -> bool:
    """Fold the WAL into the database file and truncate it; True when it completed."""
    row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(row) and row[0] == 0
