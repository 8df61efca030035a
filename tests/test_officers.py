"""Officers and the steering group: set, list, remove; the hubs file's contacts; who hears."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from ftm.cli import cli
from lists import officers
from lists.hubs import parse_hubs
from lists.hubsync import sync_hubs
from lists.membership import hub_info
from lists.officers import OfficerError
from lists.store import transaction
from tests.conftest import write_deployment

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HUBS = """
[[hubs]]
slug = "leeds"
name = "Leeds"
covers = ["LS"]
[hubs.contacts]
chair = "chair@leeds.example.org"
membership_secretary = "members@leeds.example.org"
"""


@pytest.fixture
def leeds(db: sqlite_utils.Database) -> sqlite_utils.Database:
    sync_hubs(db, parse_hubs(HUBS), NOW, apply=True, notify=False)
    return db


def test_hubs_sync_records_contacts_as_officers(leeds: sqlite_utils.Database) -> None:
    # the file's contacts hold their roles; a contact that changes replaces the holder,
    # one the file drops stands down; a CLI-set holder of another role stays
    roles = {(o.role, o.email) for o in officers.current(leeds, "leeds")}
    assert roles == {("chair", "chair@leeds.example.org"),
                     ("membership_secretary", "members@leeds.example.org")}
    with transaction(leeds):
        officers.set_officer(leeds, "treasurer", "money@leeds.example.org", NOW, "leeds")
    changed = HUBS.replace("chair@leeds", "newchair@leeds").replace(
        'membership_secretary = "members@leeds.example.org"\n', "")
    sync_hubs(leeds, parse_hubs(changed), NOW + timedelta(days=1), apply=True, notify=False)
    now_roles = {(o.role, o.email) for o in officers.current(leeds, "leeds")}
    assert now_roles == {("chair", "newchair@leeds.example.org"),
                         ("treasurer", "money@leeds.example.org")}
    past = [o for o in officers.current(leeds, "leeds", include_past=True) if o.ended_at]
    assert {o.email for o in past} == {"chair@leeds.example.org", "members@leeds.example.org"}
    assert hub_info(leeds, past[0].hub_id)["secretaries"] == [  # type: ignore[index]
        "newchair@leeds.example.org"]


def test_one_holder_per_hub_role_many_in_the_steering_group(leeds: sqlite_utils.Database) -> None:
    # setting a chair ends the old chair's term; the steering group grows; setting the same
    # person twice changes nothing; roles are checked
    with transaction(leeds):
        officers.set_officer(leeds, "chair", "ann@example.org", NOW, "leeds")
        officers.set_officer(leeds, "chair", "ANN@example.org", NOW, "leeds")
        officers.set_officer(leeds, "steering", "s1@example.org", NOW)
        officers.set_officer(leeds, "steering", "s2@example.org", NOW)
    assert [o.email for o in officers.holders(leeds, "chair", officers.hub_id_of(leeds, "leeds"))] \
        == ["ann@example.org"]
    assert officers.is_steering(leeds, "S2@example.org")
    assert not officers.is_steering(leeds, "ann@example.org")
    for bad in (("chair", None), ("steering", "leeds"), ("king", "leeds")):
        with pytest.raises(OfficerError), transaction(leeds):
            officers.set_officer(leeds, bad[0], "x@example.org", NOW, bad[1])
    with transaction(leeds):
        assert officers.remove_officer(leeds, "s1@example.org", NOW) == 1
    assert not officers.is_steering(leeds, "s1@example.org")


def test_cli_set_list_remove(tmp_path: Path) -> None:
    # the volunteer's view: set a chair and a steering member, list them, remove one
    config = write_deployment(tmp_path / "d")
    runner = CliRunner()
    base = ["--config", str(config)]
    out = runner.invoke(cli, [*base, "hubs", "sync", "--apply"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, [*base, "officers", "set", "chair", "ann@example.org",
                              "--hub", "manchester", "--name", "Ann Lee"])
    assert out.exit_code == 0 and "chair of manchester" in out.output, out.output
    out = runner.invoke(cli, [*base, "officers", "set", "steering", "sam@example.org"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, [*base, "officers", "list"])
    assert "ann@example.org" in out.output and "sam@example.org" in out.output
    assert "members.manchester@example.org" in out.output   # from the hubs file
    out = runner.invoke(cli, [*base, "officers", "set", "chair", "bo@example.org"])
    assert out.exit_code != 0 and "say which hub" in out.output
    out = runner.invoke(cli, [*base, "officers", "set", "chair", "bo@example.org",
                              "--hub", "nowhere"])
    assert out.exit_code != 0 and "no hub 'nowhere'" in out.output
    out = runner.invoke(cli, [*base, "officers", "remove", "sam@example.org"])
    assert out.exit_code == 0 and "1 term(s) ended" in out.output
    out = runner.invoke(cli, [*base, "officers", "remove", "sam@example.org"])
    assert out.exit_code != 0
    out = runner.invoke(cli, [*base, "officers", "list", "--all"])
    assert "sam@example.org" in out.output


def test_members_set_delivery_and_events_list(tmp_path: Path) -> None:
    # `ftm members set ADDRESS --delivery digest`, and the events and bulletins lists run
    config = write_deployment(tmp_path / "d")
    runner = CliRunner()
    base = ["--config", str(config)]
    runner.invoke(cli, [*base, "db", "migrate"])
    from ftm.app import App
    app = App(str(config))
    db = app.db()
    db.execute("INSERT INTO members (email, state, created_at, updated_at) VALUES "
               "('ann@example.org', 'active', '2026-01-01', '2026-01-01')")
    db.conn.commit()
    app.close()
    out = runner.invoke(cli, [*base, "members", "set", "ann@example.org", "--delivery", "digest"])
    assert out.exit_code == 0 and "digest" in out.output, out.output
    out = runner.invoke(cli, [*base, "members", "set", "nobody@example.org", "--delivery",
                              "each"])
    assert out.exit_code != 0 and "no member" in out.output
    for cmd in (["events", "list"], ["bulletins", "list"], ["posts", "list"]):
        out = runner.invoke(cli, [*base, *cmd])
        assert out.exit_code == 0, (cmd, out.output)
