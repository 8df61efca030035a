"""Syncing the hubs file into the store: dry run, apply, idempotence, moves and their notices."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jinja2
import pytest
import sqlite_utils

from lists.clock import utcnow
from lists.hubs import parse_hubs
from lists.hubsync import sync_hubs

TEMPLATES = Path(__file__).parent.parent / "templates"

V1 = """
[[hubs]]
slug = "merseyside"
name = "Merseyside"
covers = ["L"]
[hubs.contacts]
membership_secretary = "members.merseyside@example.org"
chair = "chair.merseyside@example.org"

[[hubs]]
slug = "manchester"
name = "Greater Manchester"
covers = ["M"]
[hubs.contacts]
membership_secretary = "members.manchester@example.org"
"""

# Liverpool South splits from Merseyside taking L8; Manchester leaves the file.
V2 = V1.split("[[hubs]]\nslug = \"manchester\"")[0] + """
[[hubs]]
slug = "liverpool-south"
name = "Liverpool South"
covers = ["L8"]
[hubs.contacts]
secretary = "sec.liverpool-south@example.org"
"""


def member(db: sqlite_utils.Database, email: str, postcode: str | None,
           state: str = "active", name: str | None = "Jo Bloggs") -> int:
    now = utcnow().isoformat()
    cur = db.execute("INSERT INTO members (email, name, postcode, state, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     [email, name, postcode, state, now, now])
    return int(cur.lastrowid or 0)


def hub_of(db: sqlite_utils.Database, member_id: int) -> str | None:
    row = db.execute("SELECT h.slug FROM members m LEFT JOIN hubs h ON h.id = m.hub_id "
                     "WHERE m.id = ?", [member_id]).fetchone()
    return row[0]


def outbox(db: sqlite_utils.Database) -> list[tuple[str, str, dict[str, object]]]:
    return [(t, a, json.loads(c)) for t, a, c in db.execute(
        "SELECT template, to_addr, context FROM outbox ORDER BY id")]


def test_dry_run_writes_nothing(db: sqlite_utils.Database) -> None:
    # the default is a plan: hubs to add and members who would move, nothing written
    mid = member(db, "jo@example.org", "L8 1AB")
    plan = sync_hubs(db, parse_hubs(V1), utcnow())
    assert not plan.applied
    assert [(h.slug, h.change) for h in plan.hubs] == [("merseyside", "added"),
                                                       ("manchester", "added")]
    assert [(m.member_id, m.from_hub, m.to_hub) for m in plan.moves] == [
        (mid, None, "merseyside")]
    assert db.execute("SELECT count(*) FROM hubs").fetchone()[0] == 0
    assert hub_of(db, mid) is None and outbox(db) == []


def test_apply_then_again_changes_nothing(db: sqlite_utils.Database) -> None:
    # apply loads the hubs and routes members; a second sync is an empty plan
    a = member(db, "a@example.org", "L8 1AB")
    b = member(db, "b@example.org", "M14 5QA", state="pending")
    c = member(db, "c@example.org", None)
    plan = sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    assert plan.applied and len(plan.moves) == 2
    assert (hub_of(db, a), hub_of(db, b), hub_of(db, c)) == ("merseyside", "manchester", None)
    rules = dict(db.execute("SELECT id, route_rule FROM members").fetchall())
    assert rules == {a: "area L is covered by merseyside",
                     b: "area M is covered by manchester", c: "no postcode known"}
    coverage = db.execute("SELECT h.slug, c.level, c.value FROM hub_coverage c "
                          "JOIN hubs h ON h.id = c.hub_id ORDER BY h.slug").fetchall()
    assert coverage == [("manchester", "area", "M"), ("merseyside", "area", "L")]
    again = sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    assert again.empty and again.unchanged_hubs == 2 and again.notices == 0
    assert sync_hubs(db, parse_hubs(V1), utcnow()).empty


def test_coverage_change_moves_members_and_tells_them_and_both_secretaries(
        db: sqlite_utils.Database) -> None:
    # L8 moves to a new hub; the member and both hubs' secretaries get one notice each
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    jo = member(db, "jo@example.org", "L8 1AB", name="Jo Bloggs")
    stay = member(db, "sam@example.org", "L1 1AA")
    from lists.routing import assign_hub, load_index
    index = load_index(db)
    for mid, pc in ((jo, "L8 1AB"), (stay, "L1 1AA")):
        assign_hub(db, mid, pc, utcnow(), index)
    plan = sync_hubs(db, parse_hubs(V2), utcnow())
    assert [(m.email, m.from_hub, m.to_hub) for m in plan.moves] == [
        ("jo@example.org", "merseyside", "liverpool-south")]
    assert outbox(db) == []
    done = sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    assert done.applied and done.notices == 3
    assert hub_of(db, jo) == "liverpool-south" and hub_of(db, stay) == "merseyside"
    mails = outbox(db)
    assert [(t, a) for t, a, _ in mails] == [
        ("member/hub-changed", "jo@example.org"),
        ("officer/member-moved", "sec.liverpool-south@example.org"),   # no membership sec.
        ("officer/member-moved", "members.merseyside@example.org")]
    member_ctx = mails[0][2]
    assert member_ctx["old_hub"] == "Merseyside" and member_ctx["new_hub"] == "Liverpool South"
    assert member_ctx["rule"] == "district L8 is covered by liverpool-south"
    assert mails[1][2]["joined_count"] == 1 and "jo@example.org" in str(mails[1][2]["joined"])
    assert mails[2][2]["left_count"] == 1 and "to Liverpool South" in str(mails[2][2]["left"])
    audit = db.execute("SELECT action, detail FROM audit_log WHERE member_id = ? "
                       "AND action = 'hub-moved'", [jo]).fetchall()
    assert json.loads(audit[0][1])["to_hub"] == "liverpool-south"


def test_removed_hub_is_deactivated_and_its_members_kept(db: sqlite_utils.Database) -> None:
    # Manchester leaves the file: the hub is deactivated, its member kept and unassigned
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    mid = member(db, "mo@example.org", "M14 5QA")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    assert hub_of(db, mid) == "manchester"
    plan = sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    assert ("manchester", "deactivated") in [(h.slug, h.change) for h in plan.hubs]
    assert db.execute("SELECT active FROM hubs WHERE slug = 'manchester'").fetchone() == (0,)
    row = db.execute("SELECT state, hub_id, route_rule FROM members WHERE id = ?",
                     [mid]).fetchone()
    assert row[0] == "active" and row[1] is None
    assert row[2].startswith("no hub covers M14 5QA")
    mails = outbox(db)
    assert ("member/hub-changed", "mo@example.org") in [(t, a) for t, a, _ in mails]
    to_member = [c for t, a, c in mails if a == "mo@example.org"][-1]   # the latest
    assert to_member["new_hub"] == "no local hub yet"
    assert "national" in str(to_member["new_hub_note"])
    assert ("officer/member-moved", "members.manchester@example.org") in [
        (t, a) for t, a, _ in mails]
    # back in the file: reactivated, and the member returns
    plan = sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    assert ("manchester", "reactivated") in [(h.slug, h.change) for h in plan.hubs]
    assert hub_of(db, mid) == "manchester"


def test_pending_left_and_disabled_members(db: sqlite_utils.Database) -> None:
    # pending and disabled members move silently; members who left keep their history
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    pending = member(db, "p@example.org", "L8 1AB", state="pending")
    gone = member(db, "g@example.org", "L8 2AB", state="left")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    assert hub_of(db, pending) == "merseyside" and hub_of(db, gone) is None
    plan = sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    assert [m.member_id for m in plan.moves] == [pending]
    assert hub_of(db, pending) == "liverpool-south"
    assert [a for _, a, _ in outbox(db)] == []


def test_changed_hub_details_are_shown_and_stored(db: sqlite_utils.Database) -> None:
    # a renamed hub with new coverage and contacts is "changed", with what changed
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    v3 = V1.replace('name = "Merseyside"', 'name = "Merseyside & Wirral"').replace(
        'covers = ["L"]', 'covers = ["L", "CH41"]\ndigest = "daily"')
    plan = sync_hubs(db, parse_hubs(v3), utcnow(), apply=True)
    [change] = plan.hubs
    assert change.change == "changed"
    assert "name 'Merseyside' -> 'Merseyside & Wirral'" in change.details
    assert "digest weekly -> daily" in change.details
    assert "covers now also CH41" in change.details
    row = db.execute("SELECT name, digest FROM hubs WHERE slug = 'merseyside'").fetchone()
    assert row == ("Merseyside & Wirral", "daily")


def test_failure_inside_apply_rolls_everything_back(db: sqlite_utils.Database) -> None:
    # a failure half-way leaves hubs, members and outbox as they were
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    mid = member(db, "jo@example.org", "L8 1AB")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    before = outbox(db)
    db.execute("CREATE TRIGGER boom BEFORE INSERT ON outbox "
               "BEGIN SELECT RAISE(ABORT, 'outbox is full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    assert hub_of(db, mid) == "merseyside"
    assert db.execute("SELECT count(*) FROM hubs WHERE slug = 'liverpool-south'"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT active FROM hubs WHERE slug = 'manchester'").fetchone() == (1,)
    assert outbox(db) == before


def test_member_with_an_unusable_address_is_moved_not_mailed(db: sqlite_utils.Database) -> None:
    # bad data in one row never stops the sync: the move happens, the warning says why
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    mid = member(db, "no-at-sign", "L8 1AB")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    plan = sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    assert hub_of(db, mid) == "liverpool-south"
    assert any(f"member {mid} moved but not told" in w for w in plan.warnings)


@pytest.mark.parametrize("name", ["member/hub-changed", "officer/member-moved"])
def test_templates_render_with_the_context_queued(db: sqlite_utils.Database,
                                                  name: str) -> None:
    # the notices' templates use only keys their context has (StrictUndefined)
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    member(db, "jo@example.org", "L8 1AB")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True)
    sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html"]))
    contexts = [c for t, _, c in outbox(db) if t == name]
    texts = [env.get_template(f"{name}.txt").render(**context) for context in contexts]
    assert texts and all(t.startswith("Subject: ") for t in texts)
    assert any("Liverpool South" in t and ("jo@example.org" in t or "Dear Jo Bloggs" in t)
               for t in texts)


def test_officer_notice_names_at_most_listed_members(db: sqlite_utils.Database) -> None:
    # a big coverage change tells the secretary the count and names the first LISTED
    from lists import hubsync

    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True, notify=False)
    for i in range(hubsync.LISTED + 5):
        member(db, f"m{i}@example.org", f"L8 {i % 10}AB")
    sync_hubs(db, parse_hubs(V1), utcnow(), apply=True, notify=False)
    assert outbox(db) == []                       # --no-notify queues nothing
    sync_hubs(db, parse_hubs(V2), utcnow(), apply=True)
    officer = [c for t, a, c in outbox(db) if a == "members.merseyside@example.org"]
    assert officer[0]["left_count"] == hubsync.LISTED + 5
    left = str(officer[0]["left"]).splitlines()
    assert len(left) == hubsync.LISTED + 1 and left[-1] == "... and 5 more"
