"""Members in the store: find, create, change state, consent records, suppression and audit.

Every change of membership writes an audit row naming the member by id only: the
audit log never holds an address, a name or a postcode, so erasure can leave it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from lists.clock import iso


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    email: str
    name: str | None
    postcode: str | None
    kind: str
    state: str
    hub_id: int | None
    route_rule: str | None
    delivery: str
    bounce_score: float
    created_at: str
    confirmed_at: str | None
    reminded_at: str | None


_COLUMNS = ("id, email, name, postcode, kind, state, hub_id, route_rule, delivery, "
            "bounce_score, created_at, confirmed_at, reminded_at")


def _member(row: dict[str, Any]) -> Member:
    return Member(**{k: row[k] for k in _COLUMNS.split(", ")})


def find(db: sqlite_utils.Database, email: str) -> Member | None:
    """The member with this address (any case), or None."""
    rows = list(db.query(f"SELECT {_COLUMNS} FROM members WHERE email = ? COLLATE NOCASE",
                         [email]))
    return _member(rows[0]) if rows else None


def get(db: sqlite_utils.Database, member_id: int) -> Member | None:
    rows = list(db.query(f"SELECT {_COLUMNS} FROM members WHERE id = ?", [member_id]))
    return _member(rows[0]) if rows else None


def audit(db: sqlite_utils.Database, now: datetime, actor: str, action: str,
          member_id: int | None = None, **detail: Any) -> None:
    """One audit row. *detail* must not hold personal data (addresses, names, postcodes)."""
    db.execute(AUDIT_INSERT, [iso(now), actor, action, member_id,
                              json.dumps(detail, sort_keys=True)])


AUDIT_INSERT = "INSERT INTO audit_log (at, actor, action, member_id, detail) VALUES (?,?,?,?,?)"


def create(db: sqlite_utils.Database, email: str, name: str | None, postcode: str | None,
           now: datetime, kind: str = "person", actor: str = "email") -> Member:
    """A new *pending* member."""
    cur = db.execute(
        "INSERT INTO members (email, name, postcode, kind, state, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'pending', ?, ?)", [email, name, postcode, kind, iso(now), iso(now)])
    member_id = int(cur.lastrowid or 0)
    audit(db, now, actor, "signup", member_id, kind=kind, has_postcode=postcode is not None)
    member = get(db, member_id)
    assert member is not None
    return member


def signed_up_by(db: sqlite_utils.Database, member_id: int) -> str | None:
    """Who made the member's signup: ``email`` for their own mail, else the import or tool."""
    row = db.execute("SELECT actor FROM audit_log WHERE member_id = ? AND action = 'signup' "
                     "ORDER BY id DESC LIMIT 1", [member_id]).fetchone()
    return str(row[0]) if row else None


def update(db: sqlite_utils.Database, member_id: int, now: datetime, **fields: Any) -> None:
    """Set columns of one member (names from the members table only)."""
    allowed = {"name", "postcode", "kind", "state", "hub_id", "route_rule", "delivery",
               "bounce_score", "confirmed_at", "reminded_at", "left_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not member columns: {sorted(unknown)}")
    if not fields:
        return
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE members SET {sets}, updated_at = ? WHERE id = ?",
               [*fields.values(), iso(now), member_id])


CONSENT_INSERT = ("INSERT INTO consents (member_id, principles_hash, message_id, method, "
                  "given_at, note) VALUES (?, ?, ?, ?, ?, ?)")


def record_consent(db: sqlite_utils.Database, member_id: int, principles_version: str,
                   message_id: str | None, method: str, now: datetime,
                   note: str | None = None) -> int:
    """Record that the member committed to the principles (which text, which message, how).

    *note* says how a commitment made outside mail was collected (an import's paper forms).
    """
    cur = db.execute(CONSENT_INSERT,
                     [member_id, principles_version, message_id, method, iso(now), note])
    return int(cur.lastrowid or 0)


def withdraw_consents(db: sqlite_utils.Database, member_id: int, now: datetime) -> None:
    db.execute("UPDATE consents SET withdrawn_at = ? WHERE member_id = ? AND withdrawn_at IS NULL",
               [iso(now), member_id])


def consents(db: sqlite_utils.Database, member_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM consents WHERE member_id = ? ORDER BY id", [member_id]))


def suppression_hash(email: str, key: bytes) -> str:
    """A keyed hash of the address: matches a later import, reveals nothing by itself."""
    return hmac.new(key, email.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()


def is_suppressed(db: sqlite_utils.Database, email: str, key: bytes) -> bool:
    row = db.execute("SELECT 1 FROM suppressions WHERE email_hash = ?",
                     [suppression_hash(email, key)]).fetchone()
    return row is not None


def suppress(db: sqlite_utils.Database, email: str, key: bytes, reason: str,
             now: datetime) -> None:
    db.execute("INSERT OR IGNORE INTO suppressions (email_hash, reason, created_at) "
               "VALUES (?, ?, ?)", [suppression_hash(email, key), reason, iso(now)])


def unsuppress(db: sqlite_utils.Database, email: str, key: bytes) -> bool:
    """Lift an address's suppression (a person decided it may sign up again)."""
    return bool(db.execute("DELETE FROM suppressions WHERE email_hash = ?",
                           [suppression_hash(email, key)]).rowcount)


def signups_by_sender(db: sqlite_utils.Database, sender: str, since: datetime) -> int:
    """Signups that mail from *sender* made since *since* (for themselves or others)."""
    row = db.execute(
        "SELECT count(*) FROM inbound_messages WHERE from_addr = ? COLLATE NOCASE "
        "AND received_at >= ? AND outcome LIKE 'pending member created%'",
        [sender, iso(since)]).fetchone()
    return int(row[0])


def signups_since(db: sqlite_utils.Database, since: datetime) -> int:
    """Members that mail created since *since* (a signup storm shows here first).

    Members a volunteer imported are not counted: an import is no storm, and must not
    hold up the next hour's signups by mail.
    """
    row = db.execute("SELECT count(*) FROM audit_log WHERE action = 'signup' "
                     "AND actor = 'email' AND at >= ?", [iso(since)]).fetchone()
    return int(row[0])


def describe(db: sqlite_utils.Database, email: str, now: datetime) -> dict[str, Any] | None:
    """Everything a volunteer needs to explain a member's state, or None if unknown.

    The member's row, their hub and the routing rule that chose it, consent records,
    unused tokens by kind (never the tokens), and the latest mail from and to them.
    """
    m = find(db, email)
    inbound = list(db.query(
        "SELECT received_at, intent, outcome, folder, reason FROM inbound_messages "
        "WHERE from_addr = ? COLLATE NOCASE OR about_addr = ? COLLATE NOCASE "
        "ORDER BY id DESC LIMIT 10", [email, email]))
    outbound = list(db.query(
        "SELECT created_at, template, state, sent_at, last_error FROM outbox "
        "WHERE to_addr = ? COLLATE NOCASE ORDER BY id DESC LIMIT 10", [email]))
    if m is None and not inbound and not outbound:
        return None
    hub = None
    if m is not None and m.hub_id is not None:
        hub = next(iter(db.query("SELECT slug, name, active FROM hubs WHERE id = ?",
                                 [m.hub_id])), None)
    pending_tokens = {r["action"]: r["n"] for r in db.query(
        "SELECT action, count(*) AS n FROM tokens WHERE email = ? COLLATE NOCASE "
        "AND used_at IS NULL AND expires_at > ? GROUP BY action", [email, iso(now)])}
    return {"member": m, "hub": hub, "consents": consents(db, m.id) if m else [],
            "pending_tokens": pending_tokens, "inbound": inbound, "outbound": outbound,
            "history": list(db.query("SELECT at, actor, action, detail FROM audit_log "
                                     "WHERE member_id = ? ORDER BY id DESC LIMIT 10",
                                     [m.id])) if m else []}


STATES = ("pending", "active", "left", "expired", "disabled")


def export_rows(db: sqlite_utils.Database, hub: str | None = None,
                states: tuple[str, ...] = STATES) -> Iterator[dict[str, Any]]:
    """Members as ``ftm members export`` writes them, oldest first: email, name, postcode,
    hub (slug, empty when unassigned), state, delivery, joined and confirmed (dates)."""
    where = [f"m.state IN ({', '.join('?' for _ in states)})"]
    params: list[Any] = list(states)
    if hub is not None:
        where.append("h.slug = ?")
        params.append(hub)
    yield from db.query(
        "SELECT m.email, m.name, m.postcode, h.slug AS hub, m.state, m.delivery, "
        "substr(m.created_at, 1, 10) AS joined, substr(m.confirmed_at, 1, 10) AS confirmed "
        "FROM members m LEFT JOIN hubs h ON h.id = m.hub_id "
        f"WHERE {' AND '.join(where)} ORDER BY m.id", params)
