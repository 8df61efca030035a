"""What the store's hubs cover, per region and area, and who waits unassigned: for officers.

``coverage_report(db)`` answers "which hubs cover this area, and how many members
there have no hub?"; ``list_hubs(db)`` lists hubs with their coverage and members.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlite_utils

from lists.postcodes import InvalidPostcode, parse_postcode
from lists.regions import REGIONS, areas

COUNTED_STATES = ("pending", "active")


@dataclass(frozen=True, slots=True)
class AreaCoverage:
    """One postcode area: the hubs covering any of it, its members and the unassigned."""

    region: str
    area: str
    name: str
    hubs: tuple[str, ...]        # "manchester (area)", "liverpool-south (6 districts)"
    members: int                 # pending and active members with a postcode here
    unassigned: int              # of those, how many have no hub


@dataclass(frozen=True, slots=True)
class CoverageReport:
    areas: tuple[AreaCoverage, ...]
    no_postcode: int             # unassigned members with no postcode at all
    invalid: int                 # ... with a postcode that does not parse
    not_routed: int              # ... with a BFPO or GIR address

    @property
    def unassigned(self) -> int:
        return (sum(a.unassigned for a in self.areas) + self.no_postcode + self.invalid
                + self.not_routed)


@dataclass(frozen=True, slots=True)
class HubRow:
    """A hub as the store has it, for listing."""

    slug: str
    name: str
    active: bool
    address: str | None
    digest: str
    contacts: dict[str, str]
    covers: tuple[str, ...]
    excludes: tuple[str, ...]
    members: int                 # active members


def coverage_report(db: sqlite_utils.Database) -> CoverageReport:
    """Per area (grouped by region, in ``REGIONS`` order): hubs, members, unassigned."""
    covering = _covering_hubs(db)
    members: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    no_postcode = invalid = not_routed = 0
    marks = ", ".join("?" for _ in COUNTED_STATES)
    for postcode, hub_id in db.execute(
            f"SELECT postcode, hub_id FROM members WHERE state IN ({marks})",
            COUNTED_STATES):
        try:
            pc = parse_postcode(postcode) if postcode else None
        except InvalidPostcode:
            pc = None
            invalid += hub_id is None
        if pc is None:
            no_postcode += hub_id is None and not postcode
            continue
        if pc.special:
            not_routed += hub_id is None
            continue
        members[pc.area] += 1
        waiting[pc.area] += hub_id is None
    rows = [AreaCoverage(a.region, a.code, a.name, tuple(sorted(covering.get(a.code, ()))),
                         members[a.code], waiting[a.code])
            for a in areas().values()]
    rows.sort(key=lambda r: (REGIONS.index(r.region), r.area))
    return CoverageReport(tuple(rows), no_postcode, invalid, not_routed)


def _covering_hubs(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """Area -> descriptions of the active hubs that cover some or all of it."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)   # (area, slug, level)
    by_region: dict[str, list[str]] = defaultdict(list)
    for a in areas().values():
        by_region[a.region].append(a.code)
    for slug, level, value in db.execute(
            "SELECT h.slug, c.level, c.value FROM hub_coverage c JOIN hubs h ON h.id = c.hub_id "
            "WHERE h.active = 1 AND c.exclude = 0"):
        if level == "region":
            for code in by_region.get(value, []):
                counts[(code, slug, level)] += 1
        else:
            code = value if level == "area" else parse_postcode(value.split(" ")[0]).area
            counts[(code, slug, level)] += 1
    out: dict[str, set[str]] = defaultdict(set)
    for (code, slug, level), n in counts.items():
        what = level if level in ("area", "region") else f"{n} {level}{'s' if n > 1 else ''}"
        out[code].add(f"{slug} ({what})")
    return out


def list_hubs(db: sqlite_utils.Database, include_inactive: bool = False) -> list[HubRow]:
    """The store's hubs in slug order, each with its coverage and active member count."""
    cov: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for hub_id, level, value, ex in db.execute(
            "SELECT hub_id, level, value, exclude FROM hub_coverage ORDER BY id"):
        written = f"region:{value}" if level == "region" else value
        cov[hub_id][1 if ex else 0].append(written)   # in the file's order
    counts = dict(db.execute("SELECT hub_id, count(*) FROM members WHERE state = 'active' "
                             "AND hub_id IS NOT NULL GROUP BY hub_id").fetchall())
    rows = []
    for r in db.query("SELECT * FROM hubs ORDER BY slug"):
        if not r["active"] and not include_inactive:
            continue
        covers, excludes = cov[r["id"]]
        rows.append(HubRow(r["slug"], r["name"], bool(r["active"]), r["list_address"],
                           r["digest"], json.loads(r["contacts"]),
                           tuple(covers), tuple(excludes),
                           int(counts.get(r["id"], 0))))
    return rows
