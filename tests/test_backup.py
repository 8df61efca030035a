"""Backups: a whole, private copy taken while another process writes; it restores."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftm.app import App
from ftm.cli import cli
from lists import backup, erasure, members
from lists.store import StoreError, open_db, transaction
from tests.conftest import write_deployment


def add_people(app: App, n: int, start: int = 0) -> None:
    db = app.db()
    with transaction(db):
        for i in range(start, start + n):
            members.create(db, f"p{i}@example.org", f"Person {i}", "L8 1AB",
                           datetime.now(UTC))


def test_backup_while_another_process_writes_is_whole_and_private(tmp_path: Path) -> None:
    # a writer in another process commits members while the backup copies: the copy
    # checks out, holds a prefix of the writer's commits, and is 0600 in a 0700 folder
    config = write_deployment(tmp_path / "d")
    app = App(str(config))
    add_people(app, 2000)
    store = app.settings.store.path
    writer = subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, time
c = sqlite3.connect({store!r}, timeout=30, isolation_level=None)
c.execute("PRAGMA busy_timeout = 30000")
for i in range(300):
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO members (email, name, state, created_at, updated_at) "
              "VALUES (?, 'W', 'pending', '2026-01-01', '2026-01-01')", (f"w{{i}}@example.org",))
    c.execute("COMMIT")
"""])
    try:
        res = CliRunner().invoke(cli, ["--config", str(config), "db", "backup"])
    finally:
        writer.wait(timeout=120)
    assert res.exit_code == 0, res.output
    assert "integrity ok" in res.output
    folder = Path(store).parent / "backups"
    (copy,) = folder.glob("ftm-*.db")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert copy.stat().st_mode & 0o777 == 0o600
    key = copy.with_name(copy.name + ".key")
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.read_bytes() == Path(store + ".key").read_bytes()
    c = sqlite3.connect(copy)
    assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    emails = {r[0] for r in c.execute("SELECT email FROM members")}
    written = sorted(int(e[1:].split("@")[0]) for e in emails if e.startswith("w"))
    assert written == list(range(len(written)))     # whole commits, in order, none torn
    assert len(emails) - len(written) == 2000
    assert not copy.with_name(copy.name + "-wal").exists()
    app.close()


def test_a_restored_backup_still_keeps_erased_people_out(tmp_path: Path) -> None:
    # the copy and its key file, put back as the store: members are there, and an address
    # erased before the backup still matches its suppression entry (the key came along)
    config = write_deployment(tmp_path / "d")
    app = App(str(config))
    add_people(app, 3)
    key = app.secret_key()
    with transaction(app.db()):
        erasure.erase(app.db(), "p1@example.org", datetime.now(UTC), key)
    report = backup.backup_to(app.db(), tmp_path / "b", datetime.now(UTC),
                              Path(app.settings.store.path + ".key"))
    app.close()
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "ftm.db").write_bytes(report.path.read_bytes())
    assert report.key_path is not None
    (restored / "ftm.db.key").write_bytes(report.key_path.read_bytes())
    again = App(str(write_deployment(tmp_path / "r", store={"path": str(restored / "ftm.db")})))
    db = again.db()
    assert members.find(db, "p0@example.org") is not None
    assert members.find(db, "p1@example.org") is None
    assert members.is_suppressed(db, "p1@example.org", again.secret_key())
    again.close()


def test_keep_prunes_only_dated_backups_and_their_keys(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (folder / f"ftm-{stamp}.db").write_bytes(b"x")
        (folder / f"ftm-{stamp}.db.key").write_bytes(b"k")
    (folder / "mine.db").write_bytes(b"keep me")
    gone = backup.prune(folder, 2)
    assert [p.name for p in gone] == ["ftm-20260101T000000Z.db"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "ftm-20260102T000000Z.db", "ftm-20260102T000000Z.db.key",
        "ftm-20260103T000000Z.db", "ftm-20260103T000000Z.db.key", "mine.db"]
    with pytest.raises(ValueError):
        backup.prune(folder, 0)


def test_a_backup_never_overwrites_and_says_so(tmp_path: Path) -> None:
    db = open_db(tmp_path / "s.db")
    db.execute("CREATE TABLE members (id INTEGER PRIMARY KEY)")
    target = tmp_path / "there.db"
    target.write_bytes(b"something precious")
    with pytest.raises(StoreError, match="exists already"):
        backup.backup_to(db, target, datetime.now(UTC))
    assert target.read_bytes() == b"something precious"
    assert not list(tmp_path.glob(".*partial"))
    db.close()


def test_backup_command_keeps_the_newest(tmp_path: Path) -> None:
    config = write_deployment(tmp_path / "d")
    folder = tmp_path / "backups"
    runner = CliRunner()
    for _ in range(3):
        res = runner.invoke(cli, ["--config", str(config), "db", "backup", str(folder),
                                  "--keep", "2"])
        assert res.exit_code == 0, res.output
        # one a second at most: names are by the second
        threading.Event().wait(1.05)
    assert len(list(folder.glob("ftm-*.db"))) == 2
    assert len(list(folder.glob("ftm-*.db.key"))) == 2
