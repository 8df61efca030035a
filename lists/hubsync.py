"""Loading the hubs file into the store: a plan first, then the change in one transaction.

``sync_hubs(db, hubs, now, apply=False)`` compares the file's hubs with the store's and
returns a ``SyncPlan``: hubs added, changed, reactivated or deactivated, and every
current member (pending, active or disabled) whose hub would change, with the rule
that moves them. With ``apply=True`` it makes those changes inside one transaction,
re-routes the members, records changed contacts as officers (``lists.officers``),
writes the audit log and queues the notices:
``member/hub-changed`` to each moved active member and ``officer/member-moved`` (one
per hub, listing who joined and who left it) to the membership secretary of each hub
concerned. A hub missing from the file is deactivated, never deleted: its members
are kept and re-routed (to another hub or to unassigned). Running it again changes
nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from lists import officers
from lists.clock import iso
from lists.hubs import HubSpec
from lists.outbox import OutgoingMail, enqueue
from lists.routing import CoverageIndex, audit, load_index, route_text
from lists.store import transaction

CURRENT_STATES = ("pending", "active", "disabled")
OFFICER_ROLES = ("membership_secretary", "secretary", "chair")   # who hears, in order
ACTOR = "ftm hubs sync"
LISTED = 200        # members named in one officer notice; the rest are counted


@dataclass(frozen=True, slots=True)
class HubChange:
    """A hub the sync adds, changes, reactivates or deactivates, and what changes."""

    slug: str
    name: str
    change: str                      # added | changed | reactivated | deactivated
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Move:
    """A member whose hub changes: ``from_hub`` -> ``to_hub`` (None: unassigned)."""

    member_id: int
    email: str
    name: str | None
    postcode: str | None
    state: str
    from_hub: str | None
    to_hub: str | None
    rule: str


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What a sync would change (``applied`` False) or did change (True)."""

    hubs: tuple[HubChange, ...]
    moves: tuple[Move, ...]
    rules_refreshed: int             # members whose hub stays but whose rule text changes
    unchanged_hubs: int
    applied: bool = False
    notices: int = 0                 # outbox rows queued
    warnings: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.hubs and not self.moves and not self.rules_refreshed


def sync_hubs(db: sqlite_utils.Database, hubs: Sequence[HubSpec], now: datetime,
              apply: bool = False, notify: bool = True,
              progress: Callable[[int, int], None] | None = None) -> SyncPlan:
    """Plan (and with *apply*, make) the store match *hubs*; see the module docstring.

    *progress*, if given, is called as ``progress(done, total)`` while members are
    routed. With *apply* the plan is computed inside the write transaction, so what is
    applied is exactly what the returned plan says.
    """
    if not apply:
        changes, unchanged = _hub_changes(db, hubs)
        moves, refreshed = _member_routes(db, CoverageIndex.from_hubs(hubs), progress)
        return SyncPlan(tuple(changes), tuple(m for m, _ in moves), len(refreshed),
                        unchanged, warnings=tuple(_warnings(hubs)))
    with transaction(db):
        changes, unchanged = _hub_changes(db, hubs)
        _write_hubs(db, hubs, changes, now)
        officers.sync_contacts(db, now, [c.slug for c in changes if c.change in (
            "added", "reactivated") or "contacts changed" in c.details])
        moves, refreshed = _member_routes(db, load_index(db), progress)
        _write_routes(db, moves, refreshed, now)
        warnings = _warnings(hubs)
        notices = _notify(db, [m for m, _ in moves], now, warnings) if notify else 0
        return SyncPlan(tuple(changes), tuple(m for m, _ in moves), len(refreshed),
                        unchanged, True, notices, tuple(warnings))


def _stored_hubs(db: sqlite_utils.Database) -> dict[str, dict[str, object]]:
    hubs: dict[str, dict[str, object]] = {}
    for row in db.query("SELECT * FROM hubs"):
        row["covers"], row["excludes"] = set(), set()
        hubs[str(row["slug"])] = row
    for slug, level, value, ex in db.execute(
            "SELECT h.slug, c.level, c.value, c.exclude FROM hub_coverage c "
            "JOIN hubs h ON h.id = c.hub_id"):
        target = hubs[slug]["excludes" if ex else "covers"]
        assert isinstance(target, set)
        target.add((level, value))
    return hubs


def _hub_changes(db: sqlite_utils.Database,
                 hubs: Sequence[HubSpec]) -> tuple[list[HubChange], int]:
    stored = _stored_hubs(db)
    changes: list[HubChange] = []
    unchanged = 0
    for hub in hubs:
        old = stored.get(hub.slug)
        if old is None:
            changes.append(HubChange(hub.slug, hub.name, "added",
                                     (f"covers {_written(hub.covers) or 'nothing'}",)))
            continue
        details = _differences(old, hub)
        if not old["active"]:
            changes.append(HubChange(hub.slug, hub.name, "reactivated", tuple(details)))
        elif details:
            changes.append(HubChange(hub.slug, hub.name, "changed", tuple(details)))
        else:
            unchanged += 1
    wanted = {h.slug for h in hubs}
    for slug, old in stored.items():
        if slug not in wanted and old["active"]:
            changes.append(HubChange(slug, str(old["name"]), "deactivated",
                                     ("not in the hubs file: its members are kept",)))
    return changes, unchanged


def _differences(old: dict[str, object], hub: HubSpec) -> list[str]:
    out = []
    if old["name"] != hub.name:
        out.append(f"name {old['name']!r} -> {hub.name!r}")
    if (old["list_address"] or "") != hub.address:
        out.append(f"address {old['list_address'] or '(sub-address)'} -> "
                   f"{hub.address or '(sub-address)'}")
    if old["digest"] != hub.digest:
        out.append(f"digest {old['digest']} -> {hub.digest}")
    if json.loads(str(old["contacts"])) != dict(hub.contacts):
        out.append("contacts changed")
    for key, entries in (("covers", hub.covers), ("excludes", hub.excludes)):
        before = old[key]
        assert isinstance(before, set)
        now = {(c.level, c.value) for c in entries}
        if now - before:
            out.append(f"{key} now also " + _pairs(now - before))
        if before - now:
            out.append(f"{key} no longer " + _pairs(before - now))
    return out


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"region:{v}" if lv == "region" else v for lv, v in sorted(pairs))


def _written(covs: Iterable[object]) -> str:
    return ", ".join(getattr(c, "written", str(c)) for c in covs)


_Route = tuple[Move, str]   # a move and the member's new rule


def _member_routes(db: sqlite_utils.Database, index: CoverageIndex,
                   progress: Callable[[int, int], None] | None,
                   ) -> tuple[list[_Route], list[tuple[int, str]]]:
    """Route every current member by *index*: the moves, and the rule-only refreshes."""
    marks = ", ".join("?" for _ in CURRENT_STATES)
    total = int(db.execute(f"SELECT count(*) FROM members WHERE state IN ({marks})",
                           CURRENT_STATES).fetchone()[0])
    rows = db.execute(
        "SELECT m.id, m.email, m.name, m.postcode, m.state, h.slug, m.route_rule "
        f"FROM members m LEFT JOIN hubs h ON h.id = m.hub_id WHERE m.state IN ({marks}) "
        "ORDER BY m.id", CURRENT_STATES)
    moves: list[_Route] = []
    refreshed: list[tuple[int, str]] = []
    for done, (mid, email, name, postcode, state, slug, rule) in enumerate(rows, start=1):
        decision = route_text(postcode, index)
        if decision.hub_slug != slug:
            moves.append((Move(mid, email, name, postcode, state, slug, decision.hub_slug,
                               decision.rule), decision.rule))
        elif decision.rule != rule:
            refreshed.append((mid, decision.rule))
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
    return moves, refreshed


def _warnings(hubs: Sequence[HubSpec]) -> list[str]:
    out = []
    for hub in hubs:
        if not hub.covers:
            out.append(f"hub {hub.slug} covers nothing: no member can be routed to it")
        if not any(hub.contacts.get(r) for r in OFFICER_ROLES):
            out.append(f"hub {hub.slug} has no membership secretary (nor secretary or "
                       "chair): nobody there will hear of members who move")
    return out


def _write_hubs(db: sqlite_utils.Database, hubs: Sequence[HubSpec],
                changes: list[HubChange], now: datetime) -> None:
    changed = {c.slug: c for c in changes}
    for hub in hubs:
        if hub.slug not in changed:
            continue
        db.execute(
            "INSERT INTO hubs (slug, name, list_address, contacts, digest, active, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) "
            "ON CONFLICT(slug) DO UPDATE SET name = excluded.name, "
            "list_address = excluded.list_address, contacts = excluded.contacts, "
            "digest = excluded.digest, active = 1, updated_at = excluded.updated_at",
            [hub.slug, hub.name, hub.address or None,
             json.dumps(dict(hub.contacts), sort_keys=True), hub.digest, iso(now), iso(now)])
        hub_id = db.execute("SELECT id FROM hubs WHERE slug = ?", [hub.slug]).fetchone()[0]
        db.execute("DELETE FROM hub_coverage WHERE hub_id = ?", [hub_id])
        db.conn.executemany(
            "INSERT INTO hub_coverage (hub_id, level, value, exclude) VALUES (?, ?, ?, ?)",
            [(hub_id, c.level, c.value, ex) for cs, ex in ((hub.covers, 0), (hub.excludes, 1))
             for c in cs])
    for change in changes:
        if change.change == "deactivated":
            db.execute("UPDATE hubs SET active = 0, updated_at = ? WHERE slug = ?",
                       [iso(now), change.slug])
        audit(db, now, ACTOR, f"hub-{change.change}", None,
              {"hub": change.slug, "details": list(change.details)})


def _write_routes(db: sqlite_utils.Database, moves: list[_Route],
                  refreshed: list[tuple[int, str]], now: datetime) -> None:
    ids = {slug: hid for hid, slug in db.execute("SELECT id, slug FROM hubs")}
    db.conn.executemany(
        "UPDATE members SET hub_id = ?, route_rule = ?, updated_at = ? WHERE id = ?",
        [(ids.get(m.to_hub) if m.to_hub else None, rule, iso(now), m.member_id)
         for m, rule in moves])
    db.conn.executemany("UPDATE members SET route_rule = ? WHERE id = ?",
                        [(rule, mid) for mid, rule in refreshed])
    db.conn.executemany(
        "INSERT INTO audit_log (at, actor, action, member_id, detail) VALUES (?, ?, ?, ?, ?)",
        [(iso(now), ACTOR, "hub-moved", m.member_id,
          json.dumps({"from_hub": m.from_hub, "rule": rule, "to_hub": m.to_hub},
                     sort_keys=True)) for m, rule in moves])


def _notify(db: sqlite_utils.Database, moves: list[Move], now: datetime,
            warnings: list[str]) -> int:
    """Queue the members' and officers' notices; unusable addresses become warnings."""
    hubs = {str(r["slug"]): r for r in db.query("SELECT id, slug, name, contacts FROM hubs")}

    def hub_name(slug: str | None) -> str:
        return str(hubs[slug]["name"]) if slug else "no local hub yet"

    queued = 0
    moved = [m for m in moves if m.state == "active"]
    for m in moved:
        to = hubs.get(m.to_hub or "")
        try:
            mail = OutgoingMail(
                template="member/hub-changed", to_addr=m.email, to_name=m.name,
                kind="notice", member_id=m.member_id, hub_id=int(to["id"]) if to else None,
                context={"name": m.name or "member", "postcode": m.postcode or "",
                         "old_hub": hub_name(m.from_hub), "new_hub": hub_name(m.to_hub),
                         "new_hub_note": _new_hub_note(m.to_hub), "rule": m.rule})
        except ValueError as e:
            warnings.append(f"member {m.member_id} moved but not told: {e}")
            continue
        enqueue(db, mail, now)
        queued += 1
    joined_by: dict[str | None, list[Move]] = defaultdict(list)
    left_by: dict[str | None, list[Move]] = defaultdict(list)
    for m in moved:
        joined_by[m.to_hub].append(m)
        left_by[m.from_hub].append(m)
    for slug, hub in sorted(hubs.items()):
        joined, left = joined_by.get(slug, []), left_by.get(slug, [])
        officer = _officer(hub)
        if (joined or left) and officer:
            enqueue(db, OutgoingMail(
                template="officer/member-moved", to_addr=officer, kind="notice",
                hub_id=int(str(hub["id"])),
                context={"hub_name": str(hub["name"]), "hub_slug": slug,
                         "joined_count": len(joined), "left_count": len(left),
                         "joined": _lines(joined, "from", hub_name),
                         "left": _lines(left, "to", hub_name)}), now)
            queued += 1
    return queued


def _new_hub_note(slug: str | None) -> str:
    if slug:
        return "Your hub's notices and digests will come to you from now on."
    return ("There is no hub for your postcode yet: you stay on the network's national "
            "list, and our membership secretaries will tell you when a hub starts near you.")


def _officer(hub: dict[str, object]) -> str | None:
    contacts = json.loads(str(hub["contacts"]))
    return next((contacts[r] for r in OFFICER_ROLES if contacts.get(r)), None)


def _lines(moves: list[Move], direction: str, hub_name: Callable[[str | None], str]) -> str:
    """One line per member, at most LISTED of them (a big change would make a huge mail)."""
    if not moves:
        return "(none)"
    lines = [f"- {m.name or '(no name)'} <{m.email}>, {m.postcode or 'no postcode'}, "
             f"{direction} {hub_name(m.from_hub if direction == 'from' else m.to_hub)}"
             for m in moves[:LISTED]]
    if len(moves) > LISTED:
        lines.append(f"... and {len(moves) - LISTED} more")
    return "\n".join(lines)
