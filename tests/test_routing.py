"""Routing: the most specific coverage wins, exclusions pass a postcode on, every rule is real."""

from __future__ import annotations

import json

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from lists.clock import utcnow
from lists.hubs import LEVELS, HubSpec, parse_hubs
from lists.hubsync import sync_hubs
from lists.postcodes import parse_postcode
from lists.routing import CoverageIndex, RouteDecision, assign_hub, load_index, route
from tests import strategies

HUBS = parse_hubs("""
[[hubs]]
slug = "north-west"
name = "North West"
covers = ["region:North West"]
excludes = ["WA"]

[[hubs]]
slug = "merseyside"
name = "Merseyside"
covers = ["L", "CH41"]
excludes = ["L8", "L17 9"]

[[hubs]]
slug = "toxteth"
name = "Toxteth"
covers = ["L8 1"]

[[hubs]]
slug = "london-central"
name = "Central London"
covers = ["SW1A", "EC1A", "W1A", "WC"]
excludes = ["WC2"]

[[hubs]]
slug = "scotland"
name = "Scotland"
covers = ["region:Scotland"]
""")
INDEX = CoverageIndex.from_hubs(HUBS)


def routed(text: str) -> RouteDecision:
    return route(parse_postcode(text), INDEX)


@pytest.mark.parametrize("postcode, hub, level", [
    ("L8 1AB", "toxteth", "sector"),            # sector beats the area's hub
    ("L3 4BB", "merseyside", "area"),
    ("CH41 5AA", "merseyside", "district"),     # CH is not covered, CH41 is
    ("CH2 1AA", "north-west", "region"),        # CH is in the North West
    ("M14 5QA", "north-west", "region"),
    ("SW1A 1AA", "london-central", "district"),
    ("WC1A 1AA", "london-central", "area"),
    ("G1 1AA", "scotland", "region"),
    ("ZE1 0AA", "scotland", "region"),
])
def test_most_specific_coverage_wins(postcode: str, hub: str, level: str) -> None:
    # sector > district > area > region
    d = routed(postcode)
    assert (d.hub_slug, d.level) == (hub, level)
    assert d.coverage is not None and d.coverage.level == level
    assert f"{level} {d.coverage.value} is covered by {hub}" in d.rule


def test_exclusion_passes_the_postcode_to_a_wider_level() -> None:
    # merseyside excludes L8: L8 2AA falls through to the region, and the rule says so
    d = routed("L8 2AA")
    assert d.hub_slug == "north-west" and d.level == "region"
    assert "merseyside excludes district L8" in d.rule
    d = routed("L17 9AA")
    assert d.hub_slug == "north-west" and "merseyside excludes sector L17 9" in d.rule
    assert routed("L17 8AA").hub_slug == "merseyside"


def test_exclusion_to_nobody_is_unassigned() -> None:
    # the region's hub excludes WA and nobody else covers it: unassigned, with the reason
    d = routed("WA1 1AA")
    assert d.hub_slug is None and d.level is None
    assert d.rule.startswith("no hub covers WA1 1AA")
    assert "north-west excludes area WA" in d.rule
    d = routed("WC2N 5DU")      # excluding WC2 excludes WC2A ... WC2N too
    assert d.hub_slug is None and "london-central excludes district WC2" in d.rule


def test_a_hubs_own_narrower_cover_beats_its_wider_exclusion() -> None:
    # a hub excluding L8 still gets L8 1 if it covers that sector itself
    hubs = parse_hubs('[[hubs]]\nslug = "a"\nname = "A"\ncovers = ["L", "L8 1"]\n'
                      'excludes = ["L8"]\n')
    index = CoverageIndex.from_hubs(hubs)
    assert route(parse_postcode("L8 1AA"), index).hub_slug == "a"
    assert route(parse_postcode("L8 2AA"), index).hub_slug is None


def test_a_split_district_covers_its_lettered_parts() -> None:
    # covering SW1 covers SW1A ... SW1Y; a hub covering SW1A itself still wins there
    hubs = parse_hubs('[[hubs]]\nslug = "westminster"\nname = "W"\ncovers = ["SW1"]\n'
                      'excludes = ["SW1E"]\n[[hubs]]\nslug = "palace"\nname = "P"\n'
                      'covers = ["SW1A"]\n')
    index = CoverageIndex.from_hubs(hubs)
    assert route(parse_postcode("SW1P 3BU"), index).rule == \
        "district SW1 is covered by westminster"
    assert route(parse_postcode("SW1A 1AA"), index).hub_slug == "palace"
    assert route(parse_postcode("SW1"), index).hub_slug == "westminster"
    d = route(parse_postcode("SW1E 5AA"), index)
    assert d.hub_slug is None and "westminster excludes district SW1E" in d.rule


def test_outcode_routes_at_district_level() -> None:
    # "L8" alone cannot reach the L8 1 sector's hub: it routes from the district down
    d = routed("L8")
    assert d.hub_slug == "north-west" and "only the district L8 is known" in d.rule
    d = routed("SW1A")
    assert (d.hub_slug, d.level) == ("london-central", "district")


def test_special_postcodes_are_not_routed() -> None:
    # GIR 0AA and BFPO are read but never given a hub
    for text in ("GIR 0AA", "BFPO 801", "BF1 3AA"):
        d = routed(text)
        assert d.hub_slug is None and "not routed to a hub" in d.rule


def test_unassigned_rule_names_every_level_tried() -> None:
    # an uncovered postcode's rule lists its sector, district, area and region
    d = routed("BT7 1NN")
    assert d == RouteDecision(None, "no hub covers BT7 1NN (sector BT7 1, district BT7, "
                                    "area BT, region Northern Ireland)", None)


def test_index_refuses_a_clash() -> None:
    # two hubs at the same key cannot be indexed (the file check prevents it first)
    a = HubSpec("a", "A", covers=HUBS[0].covers)
    with pytest.raises(ValueError, match="hubs north-west and a both cover region North West"):
        CoverageIndex.from_hubs([HUBS[0], a])


@settings(max_examples=300)
@given(strategies.postcodes() | strategies.outcodes())
def test_every_valid_postcode_routes_deterministically_by_a_real_rule(text: str) -> None:
    # any valid postcode routes the same way twice, and its rule names a real entry
    pc = parse_postcode(text)
    d = route(pc, INDEX)
    assert route(parse_postcode(text.lower()), INDEX) == d
    if d.hub_slug is None:
        assert d.level is None and d.coverage is None
        assert d.rule.startswith(f"no hub covers {pc.canonical} (")
        return
    hub = next(h for h in HUBS if h.slug == d.hub_slug)
    assert d.level in LEVELS and d.coverage in hub.covers
    assert d.rule.startswith(f"{d.coverage} is covered by {hub.slug}")
    assert not any(d.coverage.contains(ex) and ex.value in (pc.sector, pc.district,
                                                            pc.parent_district, pc.area)
                   for ex in hub.excludes)


@settings(max_examples=50, deadline=None)
@given(st.lists(strategies.postcodes(), min_size=1, max_size=20))
def test_store_index_routes_like_the_file_index(texts: list[str]) -> None:
    # the index loaded from the store after a sync routes exactly like the file's
    db = sqlite_utils.Database(memory=True)
    from lists import migrations

    migrations.apply(db)
    sync_hubs(db, HUBS, utcnow(), apply=True)
    stored = load_index(db)
    for text in texts:
        assert route(parse_postcode(text), stored) == route(parse_postcode(text), INDEX)


def _member(db: sqlite_utils.Database, email: str, postcode: str | None = None,
            state: str = "active", name: str | None = "Jo") -> int:
    now = utcnow().isoformat()
    cur = db.execute("INSERT INTO members (email, name, postcode, state, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     [email, name, postcode, state, now, now])
    return int(cur.lastrowid or 0)


def test_assign_hub_records_hub_rule_and_audit(db: sqlite_utils.Database) -> None:
    # routing a member stores the hub, the rule and the canonical postcode; audits a change
    sync_hubs(db, HUBS, utcnow(), apply=True)
    mid = _member(db, "jo@example.org")
    d = assign_hub(db, mid, "l81ab", utcnow())
    assert d.hub_slug == "toxteth"
    row = db.execute("SELECT h.slug, m.route_rule, m.postcode FROM members m "
                     "JOIN hubs h ON h.id = m.hub_id WHERE m.id = ?", [mid]).fetchone()
    assert row == ("toxteth", d.rule, "L8 1AB")
    audits = db.execute("SELECT action, detail FROM audit_log WHERE member_id = ?",
                        [mid]).fetchall()
    assert [a for a, _ in audits] == ["hub-assigned"]
    assert json.loads(audits[0][1])["to_hub"] == "toxteth"
    assign_hub(db, mid, "L8 1AB", utcnow())           # same hub again: no new audit row
    assert db.execute("SELECT count(*) FROM audit_log WHERE member_id = ?",
                      [mid]).fetchone()[0] == 1


def test_assign_hub_with_a_bad_postcode_leaves_the_member_unassigned(
        db: sqlite_utils.Database) -> None:
    # an invalid or missing postcode is a clear unassigned outcome, never a crash
    sync_hubs(db, HUBS, utcnow(), apply=True)
    mid = _member(db, "jo@example.org", "L8 1AB")
    assign_hub(db, mid, "L8 1AB", utcnow())
    d = assign_hub(db, mid, "QQ1 1AA", utcnow())
    assert d.hub_slug is None and "QQ is not a UK postcode area" in d.rule
    row = db.execute("SELECT hub_id, route_rule, postcode FROM members WHERE id = ?",
                     [mid]).fetchone()
    assert row == (None, d.rule, "QQ1 1AA")
    d = assign_hub(db, mid, None, utcnow())
    assert d.hub_slug is None and d.rule == "no postcode known"
    with pytest.raises(LookupError):
        assign_hub(db, 9999, "L8 1AB", utcnow())
