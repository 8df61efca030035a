"""`ftm status`: the counts agree with the store, and what needs a person is said (exit 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from ftm.app import App
from ftm.cli import cli
from lists import relays
from lists.clock import iso
from lists.store import transaction
from tests.listhelp import NETWORK, Network, add_member, deploy
from tests.servers import SmtpServer


def status(app: App, *args: str) -> tuple[int, str]:
    assert app.config_path is not None
    r = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--config", app.config_path, "status",
                                                       *args])
    app.close()
    return r.exit_code, r.output


def test_a_quiet_deployment_with_a_fresh_backup_is_all_well(tmp_path: Path,
                                                            smtp_server: SmtpServer) -> None:
    app = deploy(tmp_path / "d", smtp_server)
    code, out = status(app)
    assert code == 1 and "no backup in" in out, out
    assert app.config_path is not None
    backup = CliRunner().invoke(cli, ["--config", app.config_path, "db", "backup"])
    assert backup.exit_code == 0, backup.output
    code, out = status(app)
    assert code == 0 and "all well" in out, out


def test_what_needs_a_person_is_counted_and_said(tmp_path: Path,
                                                 smtp_server: SmtpServer) -> None:
    # a message held for review, an active member without a hub, two pending signups,
    # a failed mail and a used-up quota: each is counted, and each becomes a warning
    app = deploy(tmp_path / "d", smtp_server)
    quota = app.settings.smtp.daily_quota
    net = Network(app, smtp_server)
    add_member(app, "ann@example.org", "Ann")
    add_member(app, "nohub@example.org", "No Hub", hub=None)
    net.write("priya@example.org", NETWORK, "Joining", "I would like to join. I agree with "
              "most of the principles, though not the one about academies. L8 1AB")
    net.write("raj@example.org", NETWORK, "Join", "Please sign me up, postcode M1 1AE. Raj")
    net.write("sue@example.org", NETWORK, "Join", "Sign me up please, LS6 1AA. Sue")
    db = app.db()
    now = datetime.now(UTC)
    with transaction(db):
        db.execute("UPDATE outbox SET state = 'failed' WHERE to_addr = 'raj@example.org'")
        relays.reserve(db, f"127.0.0.1:{smtp_server.port}:", quota, now)
    code, out = status(app, "--json")
    assert code == 1
    o = json.loads(out)
    assert o["members"]["active"] == 2 and o["members"]["unassigned"] == 1
    assert o["members"]["pending"] == 2
    assert o["inbox"]["last_day"] == {"processed": 2, "review": 1}
    assert o["review"]["open"] == 1
    assert o["outbox"] == {"waiting": 1, "due_now": 1, "failed_last_day": 1}
    assert o["relay"]["used_last_24h"] == quota and o["relay"]["next_allowed_at"] is not None
    said = "\n".join(o["warnings"])
    for words in ("1 message(s) wait for a person", "1 active member(s) have no hub",
                  "1 mail(s) failed", "quota is used up", "no backup"):
        assert words in said, (words, said)
    code, out = status(app)
    assert code == 1 and "ftm review list" in out and "1 active (" not in out
    assert "2 active (1 without a hub)" in out


def test_an_old_backup_is_a_warning(tmp_path: Path, smtp_server: SmtpServer) -> None:
    app = deploy(tmp_path / "d", smtp_server)
    folder = Path(app.settings.store.path).parent / "backups"
    folder.mkdir()
    old = datetime.now(UTC) - timedelta(days=3)
    (folder / f"ftm-{old:%Y%m%dT%H%M%SZ}.db").write_bytes(b"x")
    code, out = status(app, "--json")
    o = json.loads(out)
    assert o["backup"]["stale"] is True and o["backup"]["newest_at"] == iso(
        old.replace(microsecond=0))
    assert any("newest backup is from" in w for w in o["warnings"])
