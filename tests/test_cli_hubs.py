"""ftm hubs sync|list|route|coverage as a volunteer runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ftm.cli import cli
from lists.clock import utcnow
from lists.store import open_db

HUBS = """
[[hubs]]
slug = "liverpool-south"
name = "Liverpool South"
covers = ["L8", "L17"]
[hubs.contacts]
membership_secretary = "members.ls@example.org"

[[hubs]]
slug = "scotland"
name = "Scotland"
covers = ["region:Scotland"]
[hubs.contacts]
membership_secretary = "members.scotland@example.org"
"""


@pytest.fixture
def deploy(tmp_path: Path) -> Path:
    """A deployment folder: ftm.toml pointing at its own database and hubs.toml."""
    (tmp_path / "ftm.toml").write_text('[store]\npath = "ftm.db"\n[paths]\n'
                                       'hubs_file = "hubs.toml"\n')
    (tmp_path / "hubs.toml").write_text(HUBS)
    return tmp_path


def ftm(deploy: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(deploy / "ftm.toml"), *args])


def add_member(deploy: Path, email: str, postcode: str | None, state: str = "active") -> None:
    db = open_db(deploy / "ftm.db")
    now = utcnow().isoformat()
    db.execute("INSERT INTO members (email, name, postcode, state, created_at, updated_at) "
               "VALUES (?, 'Jo', ?, ?, ?, ?)", [email, postcode, state, now, now])
    db.conn.commit()
    db.close()


def test_sync_dry_run_then_apply_then_nothing(deploy: Path) -> None:
    # the first sync shows the plan; --apply makes it; a third run has nothing to do
    r = ftm(deploy, "hubs", "sync")
    assert r.exit_code == 0, r.output
    assert "liverpool-south" in r.output and "added" in r.output and "dry run" in r.output
    add_member(deploy, "jo@example.org", "L8 1AB")
    r = ftm(deploy, "hubs", "sync")
    assert "jo@example.org" in r.output and "would move" in r.output
    r = ftm(deploy, "hubs", "sync", "--apply")
    assert r.exit_code == 0, r.output
    assert "applied: 2 hub change(s)" in r.output
    assert "2 notice(s) queued" in r.output        # the member and the hub's secretary
    r = ftm(deploy, "hubs", "sync")
    assert "nothing to do" in r.output
    r = ftm(deploy, "hubs", "list")
    assert "liverpool-south" in r.output and "L8, L17" in r.output


def test_sync_with_a_bad_file_lists_the_problems(deploy: Path) -> None:
    # overlapping hubs: exit non-zero, both hubs named, no traceback
    (deploy / "hubs.toml").write_text(HUBS + '\n[[hubs]]\nslug = "toxteth"\nname = "T"\n'
                                             'covers = ["L8"]\n')
    r = ftm(deploy, "hubs", "sync", "--apply")
    assert r.exit_code != 0
    assert "liverpool-south and toxteth both cover district L8" in r.output
    assert "Traceback" not in r.output


def test_route_prints_postcode_hub_and_rule(deploy: Path) -> None:
    # route by the store after a sync, or by the file before one
    r = ftm(deploy, "hubs", "route", "l81ab", "--file")
    assert r.exit_code == 0, r.output
    assert "postcode: L8 1AB" in r.output
    assert "Liverpool South (liverpool-south)" in r.output
    assert "rule:     district L8 is covered by liverpool-south" in r.output
    r = ftm(deploy, "hubs", "route", "G1 1AA")
    assert "unassigned" in r.output and "has no hubs yet" in r.output
    ftm(deploy, "hubs", "sync", "--apply")
    r = ftm(deploy, "hubs", "route", "G1 1AA")
    assert "Scotland (scotland)" in r.output and "region Scotland" in r.output
    r = ftm(deploy, "hubs", "route", "M14")
    assert "postcode: M14 (district only)" in r.output
    assert "no hub covers M14" in r.output and r.exit_code == 0


def test_route_invalid_postcode_is_one_line_and_nonzero(deploy: Path) -> None:
    # what a volunteer sees: the reason, exit 1, no traceback
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    r = subprocess.run([sys.executable, "-m", "ftm", "--config", str(deploy / "ftm.toml"),
                        "hubs", "route", "QQ1 1AA"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 1
    assert "QQ1 1AA" in r.stderr and "QQ is not a UK postcode area" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_coverage_shows_hubs_and_unassigned_per_area(deploy: Path) -> None:
    # per region and area: who covers it, and how many members wait unassigned
    ftm(deploy, "hubs", "sync", "--apply")
    add_member(deploy, "a@example.org", "M14 5QA")
    add_member(deploy, "b@example.org", "M1 1AE", state="pending")
    add_member(deploy, "c@example.org", "L8 1AB")
    add_member(deploy, "d@example.org", None)
    add_member(deploy, "e@example.org", "BFPO 801")
    ftm(deploy, "hubs", "sync", "--apply")
    r = ftm(deploy, "hubs", "coverage", "--region", "north west")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    m_line = next(line for line in lines if "│ M " in line)
    assert "(no hub)" in m_line and m_line.split("│")[-2].strip() == "2"
    l_line = next(line for line in lines if "│ L " in line)
    assert "liverpool-south" in l_line and l_line.split("│")[-2].strip() == "0"
    assert "Scotland" not in r.output
    assert "unassigned members: 4 (no postcode: 1, invalid postcode: 0, forces/GIR: 1)" \
        in r.output
    r = ftm(deploy, "hubs", "coverage", "--uncovered")
    assert "│ G " not in r.output and "│ M " in r.output
