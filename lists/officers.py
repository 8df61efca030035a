"""Who holds which role: hub officers (chair, secretary, ...) and the steering group.

A row of ``officers`` is one term of one person in one role: ``started_at`` when it
began, ``ended_at`` when they stood down (None while they hold it). Past terms are
kept so that the 12-month term and the 12-month stand-down can be enforced later;
nothing is enforced yet. A hub role has one holder at a time (setting a new one
ends the old one's term); the steering group has as many members as it needs.

Roles come from two places: ``ftm officers set`` (source ``cli``) and the hubs
file's ``[hubs.contacts]`` (source ``hubs-file``), which ``ftm hubs sync --apply``
records here (``sync_contacts``). A contact that changes in the file replaces the
holder of that role; a role the file does not name is left as the CLI set it.

Holding a role is not enough to act in it: the mail must also be proven
(``lists.listmail``): a DKIM pass from the deployment's own provider, or a round
trip through an approval code only the holder receives.

Exceptions::

    OfficerError (ValueError)   an unknown role, hub or address; one sentence
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from lists.clock import iso
from lists.hubs import ROLES

STEERING = "steering"
ALL_ROLES = (*ROLES, STEERING)
# who hears of a hub's new, moved and disabled members, in order of preference
SECRETARY_ROLES = ("membership_secretary", "secretary", "chair")


class OfficerError(ValueError):
    """A role, hub or address that cannot be used; the message says which."""


@dataclass(frozen=True, slots=True)
class Officer:
    """One term in one role (``hub_slug`` None for the steering group)."""

    id: int
    hub_id: int | None
    hub_slug: str | None
    role: str
    email: str
    name: str | None
    source: str
    started_at: str
    ended_at: str | None


_SELECT = ("SELECT o.id, o.hub_id, h.slug, o.role, o.email, o.name, o.source, o.started_at, "
           "o.ended_at FROM officers o LEFT JOIN hubs h ON h.id = o.hub_id")


def _officers(db: sqlite_utils.Database, where: str, params: Sequence[object]) -> list[Officer]:
    return [Officer(*row) for row in db.execute(
        f"{_SELECT} WHERE {where} ORDER BY h.slug IS NOT NULL, h.slug, o.role, o.started_at",
        params)]


def hub_id_of(db: sqlite_utils.Database, slug: str) -> int:
    """The id of the hub *slug*, or OfficerError."""
    row = db.execute("SELECT id FROM hubs WHERE slug = ?", [slug]).fetchone()
    if row is None:
        raise OfficerError(f"there is no hub {slug!r} (ftm hubs list shows them)")
    return int(row[0])


def _check(role: str, hub_slug: str | None, email: str) -> None:
    if role not in ALL_ROLES:
        raise OfficerError(f"unknown role {role!r}; roles are {', '.join(ALL_ROLES)}")
    if (role == STEERING) != (hub_slug is None):
        raise OfficerError("the steering group is national: give no hub" if role == STEERING
                           else f"{role} is a hub role: say which hub")
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in email.strip()):
        raise OfficerError(f"{email!r} is not an email address")


def set_officer(db: sqlite_utils.Database, role: str, email: str, now: datetime,
                hub_slug: str | None = None, name: str | None = None,
                source: str = "cli") -> Officer:
    """Start *email*'s term in *role*; a hub role's previous holder stands down. Joins the
    caller's transaction; setting the current holder again changes nothing."""
    _check(role, hub_slug, email)
    email = email.strip()
    hub_id = hub_id_of(db, hub_slug) if hub_slug else None
    current = holders(db, role, hub_id)
    same = [o for o in current if o.email.casefold() == email.casefold()]
    if same:
        return same[0]
    if role != STEERING:
        db.execute("UPDATE officers SET ended_at = ? WHERE hub_id = ? AND role = ? "
                   "AND ended_at IS NULL", [iso(now), hub_id, role])
    cur = db.execute("INSERT INTO officers (hub_id, role, email, name, source, started_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [hub_id, role, email, name, source, iso(now)])
    return _officers(db, "o.id = ?", [int(cur.lastrowid or 0)])[0]


def remove_officer(db: sqlite_utils.Database, email: str, now: datetime,
                   role: str | None = None, hub_slug: str | None = None) -> int:
    """End *email*'s current terms (in *role*, at *hub_slug*, when given); how many ended."""
    sql = "UPDATE officers SET ended_at = ? WHERE email = ? COLLATE NOCASE AND ended_at IS NULL"
    params: list[object] = [iso(now), email.strip()]
    if role is not None:
        if role not in ALL_ROLES:
            raise OfficerError(f"unknown role {role!r}; roles are {', '.join(ALL_ROLES)}")
        sql += " AND role = ?"
        params.append(role)
    if hub_slug is not None:
        sql += " AND hub_id = ?"
        params.append(hub_id_of(db, hub_slug))
    return db.execute(sql, params).rowcount


def holders(db: sqlite_utils.Database, role: str, hub_id: int | None) -> list[Officer]:
    """The current holders of *role* at *hub_id* (None: the steering group)."""
    if hub_id is None:
        return _officers(db, "o.hub_id IS NULL AND o.role = ? AND o.ended_at IS NULL", [role])
    return _officers(db, "o.hub_id = ? AND o.role = ? AND o.ended_at IS NULL", [hub_id, role])


def current(db: sqlite_utils.Database, hub_slug: str | None = None,
            include_past: bool = False) -> list[Officer]:
    """Every officer (of one hub when *hub_slug* is given), current terms unless told."""
    where, params = ["1"], []
    if not include_past:
        where.append("o.ended_at IS NULL")
    if hub_slug is not None:
        where.append("o.hub_id = ?")
        params.append(hub_id_of(db, hub_slug))
    return _officers(db, " AND ".join(where), params)


def of_hub(db: sqlite_utils.Database, hub_id: int) -> list[Officer]:
    """The current officers of one hub."""
    return _officers(db, "o.hub_id = ? AND o.ended_at IS NULL", [hub_id])


def roles_of(db: sqlite_utils.Database, email: str) -> list[Officer]:
    """The roles *email* holds now (any case)."""
    return _officers(db, "o.email = ? COLLATE NOCASE AND o.ended_at IS NULL", [email.strip()])


def is_steering(db: sqlite_utils.Database, email: str) -> bool:
    return any(o.role == STEERING for o in roles_of(db, email))


def is_officer_of(db: sqlite_utils.Database, email: str, hub_id: int) -> bool:
    return any(o.hub_id == hub_id for o in roles_of(db, email))


def notice_addresses(db: sqlite_utils.Database, hub_id: int) -> list[str]:
    """Who hears of the hub's members: its membership secretary, else secretary, else chair."""
    for role in SECRETARY_ROLES:
        found = holders(db, role, hub_id)
        if found:
            return [o.email for o in found]
    return []


def sync_contacts(db: sqlite_utils.Database, now: datetime,
                  slugs: list[str] | None = None) -> int:
    """Record the hubs' ``contacts`` as officers (source ``hubs-file``); how many changed.

    For each hub (those in *slugs*, or all): a contact the store does not have as the
    role's holder starts a term; a role the file stopped naming ends the term of a
    holder that came from the file (a holder set with the CLI stays). Joins the
    caller's transaction.
    """
    changed = 0
    rows = db.execute("SELECT id, slug, contacts, active FROM hubs").fetchall()
    for hub_id, slug, contacts_json, active in rows:
        if slugs is not None and slug not in slugs:
            continue
        contacts = json.loads(contacts_json or "{}") if active else {}
        for role in ROLES:
            addr = contacts.get(role)
            holders_now = holders(db, role, hub_id)
            if addr:
                if not any(o.email.casefold() == str(addr).casefold() for o in holders_now):
                    set_officer(db, role, str(addr), now, slug, source="hubs-file")
                    changed += 1
            else:
                for o in holders_now:
                    if o.source == "hubs-file":
                        db.execute("UPDATE officers SET ended_at = ? WHERE id = ?",
                                   [iso(now), o.id])
                        changed += 1
    return changed
