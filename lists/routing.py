"""Hub routing: which hub covers a postcode, and the rule that decided it.

The most specific coverage wins: sector (``L8 1``), then district (``L8``), then area
(``L``), then region (``North West``); a hub's exclusions send a postcode on to the
next, wider level. No hub: the member is *unassigned* (they stay on the national list
and membership secretaries see them). An outcode alone routes from district level;
GIR 0AA and BFPO addresses are never routed.

``route(postcode, index)`` is pure and takes a ``CoverageIndex`` built once (from the
hubs file's ``HubSpec`` values or from the store's active hubs): four dict lookups
per postcode. ``assign_hub(db, member_id, postcode, now)`` routes a member and records
the hub and the rule on their row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from lists.clock import iso
from lists.hubs import LEVELS, Coverage, HubSpec
from lists.postcodes import InvalidPostcode, Postcode, parse_postcode
from lists.regions import areas
from lists.store import transaction

_REGION = {code: area.region for code, area in areas().items()}
_SPECIAL = {"GIR": "the Girobank address", "BFPO": "a British Forces Post Office address"}


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where a postcode goes: ``hub_slug`` (None: unassigned), the ``rule`` in words,
    the ``level`` that decided (None when unassigned) and the ``coverage`` entry used.
    """

    hub_slug: str | None
    rule: str
    level: str | None
    coverage: Coverage | None = None


@dataclass(frozen=True, slots=True)
class CoverageIndex:
    """Coverage as dicts from sector/district/area/region value to hub slug.

    ``covered[i]`` is the map for ``LEVELS[i]``; ``excluded[slug][i]`` the values a
    hub excludes at level ``LEVELS[i]``.
    """

    covered: tuple[dict[str, str], ...]
    excluded: dict[str, tuple[frozenset[str], ...]]

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, Coverage, bool]]) -> CoverageIndex:
        """Build from ``(hub_slug, coverage, is_exclusion)``; a clash raises ValueError."""
        covered: tuple[dict[str, str], ...] = tuple({} for _ in LEVELS)
        excluded: dict[str, tuple[set[str], ...]] = {}
        for slug, cov, exclude in entries:
            i = LEVELS.index(cov.level)
            if exclude:
                excluded.setdefault(slug, tuple(set() for _ in LEVELS))[i].add(cov.value)
                continue
            other = covered[i].setdefault(cov.value, slug)
            if other != slug:
                raise ValueError(f"hubs {other} and {slug} both cover {cov}")
        return cls(covered, {s: tuple(frozenset(v) for v in sets)
                             for s, sets in excluded.items()})

    @classmethod
    def from_hubs(cls, hubs: Iterable[HubSpec]) -> CoverageIndex:
        """Build from the hubs file's values (as ``lists.hubs.parse_hubs`` returns)."""
        return cls.from_entries(
            (h.slug, c, ex) for h in hubs
            for cs, ex in ((h.covers, False), (h.excludes, True)) for c in cs)

    @property
    def empty(self) -> bool:
        return not any(self.covered)


def route(postcode: Postcode, index: CoverageIndex) -> RouteDecision:
    """The hub that covers *postcode*, or None, and the rule that decided.

    ``route(parse_postcode("L8 1AB"), index)`` ->
    ``RouteDecision("liverpool-south", "district L8 is covered by liverpool-south", ...)``
    """
    if postcode.special:
        return RouteDecision(None, f"{postcode.canonical} is {_SPECIAL[postcode.special]}: "
                                   "not routed to a hub", None)
    keys = _keys(postcode)
    passed: list[str] = []
    for p, (i, value) in enumerate(keys):
        if value is None:
            continue
        slug = index.covered[i].get(value)
        if slug is None:
            continue
        ex = index.excluded.get(slug)
        if ex is not None:
            hit = _excluded(ex, keys, p)
            if hit is not None:
                passed.append(f"{slug} excludes {hit}")
                continue
        rule = f"{LEVELS[i]} {value} is covered by {slug}"
        if passed:
            rule += f" ({'; '.join(passed)})"
        if postcode.is_outcode:
            rule += f" (only the district {postcode.outward} is known)"
        return RouteDecision(slug, rule, LEVELS[i], Coverage(LEVELS[i], value))
    named = ", ".join(f"{LEVELS[i]} {v}" for i, v in keys if v is not None)
    rule = f"no hub covers {postcode.canonical} ({named})"
    if passed:
        rule += f"; {'; '.join(passed)}"
    return RouteDecision(None, rule, None)


_Keys = tuple[tuple[int, str | None], ...]


def _keys(postcode: Postcode) -> _Keys:
    """(level index, value) from the most specific: a lettered district (SW1A) is
    followed by the district it splits (SW1), at district level too."""
    return ((0, postcode.sector), (1, postcode.outward), (1, postcode.parent_district),
            (2, postcode.area), (3, _REGION.get(postcode.area)))


def _excluded(ex: tuple[frozenset[str], ...], keys: _Keys, upto: int) -> str | None:
    """The hub's exclusion, more specific than key *upto*, that contains the postcode."""
    for i, value in keys[:upto]:
        if value is not None and value in ex[i]:
            return f"{LEVELS[i]} {value}"
    return None


def route_text(text: str | None, index: CoverageIndex) -> RouteDecision:
    """Route a postcode as stored or typed; a missing or invalid one is unassigned."""
    if not text:
        return RouteDecision(None, "no postcode known", None)
    try:
        return route(parse_postcode(text), index)
    except InvalidPostcode as e:
        return RouteDecision(None, f"postcode {e.text!r} is not valid: {e.reason}", None)


def load_index(db: sqlite_utils.Database) -> CoverageIndex:
    """The coverage of the store's active hubs, indexed for ``route``."""
    rows = db.execute(
        "SELECT h.slug, c.level, c.value, c.exclude FROM hub_coverage c "
        "JOIN hubs h ON h.id = c.hub_id WHERE h.active = 1 ORDER BY h.id, c.id").fetchall()
    return CoverageIndex.from_entries((slug, Coverage(level, value), bool(ex))
                                      for slug, level, value, ex in rows)


def assign_hub(db: sqlite_utils.Database, member_id: int, postcode: str | Postcode | None,
               now: datetime, index: CoverageIndex | None = None) -> RouteDecision:
    """Route member *member_id* by *postcode* and record ``hub_id`` and ``route_rule``.

    The member's postcode becomes *postcode*, a valid one in its canonical form; a
    missing or invalid one leaves the member unassigned with the reason as the rule.
    Joins the caller's transaction; a change of hub goes to the audit log. Pass
    *index* (``load_index(db)``) when routing many.
    """
    if index is None:
        index = load_index(db)
    canonical: str | None
    if isinstance(postcode, Postcode):
        decision, canonical = route(postcode, index), postcode.canonical
    else:
        decision = route_text(postcode, index)
        canonical = _canonical_or(postcode)
    with transaction(db):
        row = db.execute("SELECT hub_id FROM members WHERE id = ?", [member_id]).fetchone()
        if row is None:
            raise LookupError(f"no member with id {member_id}")
        hub_id = hub_id_of(db, decision.hub_slug)
        db.execute("UPDATE members SET hub_id = ?, route_rule = ?, postcode = ?, "
                   "updated_at = ? WHERE id = ?",
                   [hub_id, decision.rule, canonical, iso(now), member_id])
        if row[0] != hub_id:
            audit(db, now, "ftm", "hub-assigned", member_id,
                  {"from_hub_id": row[0], "to_hub": decision.hub_slug, "rule": decision.rule})
    return decision


def hub_id_of(db: sqlite_utils.Database, slug: str | None) -> int | None:
    """The store id of the hub *slug* (None for None)."""
    if slug is None:
        return None
    row = db.execute("SELECT id FROM hubs WHERE slug = ?", [slug]).fetchone()
    if row is None:
        raise LookupError(f"no hub {slug!r} in the store")
    return int(row[0])


def audit(db: sqlite_utils.Database, now: datetime, actor: str, action: str,
          member_id: int | None, detail: dict[str, object]) -> None:
    """One row in the audit log."""
    db.execute("INSERT INTO audit_log (at, actor, action, member_id, detail) "
               "VALUES (?, ?, ?, ?, ?)",
               [iso(now), actor, action, member_id, json.dumps(detail, sort_keys=True)])


def _canonical_or(text: str | None) -> str | None:
    if not text:
        return text
    try:
        return parse_postcode(text).canonical
    except InvalidPostcode:
        return text
