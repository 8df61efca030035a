"""The store: migrations, file mode, WAL, foreign keys, strict tables, BEGIN IMMEDIATE."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from lists import migrations
from lists.store import StoreBusy, open_db, transaction


def test_new_database_is_private(tmp_path: Path) -> None:
    # the database file is created with mode 0600, whatever the umask
    path = tmp_path / "sub" / "ftm.db"
    db = open_db(path)
    migrations.apply(db)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = Path(str(path) + "-wal")
    if wal.exists():
        assert stat.S_IMODE(wal.stat().st_mode) & 0o077 == 0
    db.close()


def test_migrate_twice_changes_nothing(db_path: Path) -> None:
    # the second migrate applies nothing and leaves the schema as it was
    db = open_db(db_path)
    first = migrations.apply(db)
    schema = db.schema
    assert first and first[0] == "0001_initial"
    assert migrations.apply(db) == []
    assert db.schema == schema
    assert migrations.status(db).pending == []
    db.close()


def test_pragmas(db: sqlite_utils.Database) -> None:
    # WAL for concurrent readers, foreign keys enforced
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO hub_coverage (hub_id, level, value) VALUES (999, 'area', 'L')")


def test_first_tables_exist_and_are_strict(db: sqlite_utils.Database) -> None:
    # every first table is there, and STRICT rejects a wrong type
    expected = {"members", "hubs", "hub_coverage", "consents", "tokens", "inbound_messages",
                "outbox", "audit_log", "suppressions"}
    assert expected <= set(db.table_names())
    for name in expected:
        assert "STRICT" in db[name].schema
    with pytest.raises(sqlite3.Error):
        db.execute("INSERT INTO members (email, created_at, updated_at, bounce_score) "
                   "VALUES ('a@b.c', 'x', 'x', 'lots')")


def test_transaction_commits_and_rolls_back(db: sqlite_utils.Database) -> None:
    # a failing block leaves nothing; a good one commits; nesting is a savepoint
    now = "2026-01-01T00:00:00+00:00"
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO audit_log (at, actor, action) VALUES (?, 'test', 'a')", [now])
        raise RuntimeError("boom")
    assert db["audit_log"].count == 0
    with transaction(db):
        db.execute("INSERT INTO audit_log (at, actor, action) VALUES (?, 'test', 'b')", [now])
        with pytest.raises(RuntimeError), transaction(db):
            db.execute("INSERT INTO audit_log (at, actor, action) VALUES (?, 'test', 'c')",
                       [now])
            raise RuntimeError("inner")
    assert [r["action"] for r in db["audit_log"].rows] == ["b"]


def test_second_writer_waits_then_reports_busy(db_path: Path, db: sqlite_utils.Database) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: a second writer gets StoreBusy
    other = open_db(db_path, busy_timeout_ms=100)
    with transaction(db):
        with pytest.raises(StoreBusy), transaction(other):
            pass
        # readers are not blocked by the writer (WAL)
        assert other["members"].count == 0
    with transaction(other):
        pass
    other.close()


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    # a file that is not SQLite gives StoreError, not a traceback deep inside
    from lists.store import StoreError

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_db(bad)


def test_second_connection_keeps_the_first_ones_locks(db_path: Path) -> None:
    # two connections in one process, another process opens and closes the store: the
    # first connection's later commit is still there for everyone (no WAL deleted under it)
    a = open_db(db_path)
    a.execute("CREATE TABLE t (x INTEGER)")
    b = open_db(db_path)
    peek = f"import sqlite3; c = sqlite3.connect({str(db_path)!r}); " \
           "print(c.execute('SELECT count(*) FROM t').fetchone()[0]); c.close()"
    subprocess.run([sys.executable, "-c", peek], check=True, capture_output=True)
    with transaction(a):
        a.execute("INSERT INTO t VALUES (1)")
    out = subprocess.run([sys.executable, "-c", peek], check=True, capture_output=True,
                         text=True)
    assert out.stdout.strip() == "1"
    a.close()
    b.close()
