"""Opening the SQLite store and writing to it: WAL, foreign keys, BEGIN IMMEDIATE.

Exceptions::

    StoreError           the store cannot be used
    └── StoreBusy        another writer held the lock past the busy timeout
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils


class StoreError(Exception):
    """The database cannot be opened or written."""


class StoreBusy(StoreError):
    """Another writer kept the database locked for longer than the busy timeout."""


def open_db(path: str | os.PathLike[str], busy_timeout_ms: int = 5000) -> sqlite_utils.Database:
    """Open (creating with mode 0600) the database at *path*, configured for ftm.

    WAL lets the daemon and the CLI read while one of them writes; foreign keys are
    on; a writer waits up to *busy_timeout_ms* for another before giving up.
    """
    p = Path(path)
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
        # Create the file ourselves so it is 0600 from its first byte, and keep the
        # -wal and -shm files that SQLite creates beside it private too.
        old_umask = os.umask(0o077)
        try:
            fd = os.open(p, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
            conn = sqlite3.connect(str(p), timeout=busy_timeout_ms / 1000,
                                   check_same_thread=False)
        except OSError as e:
            raise StoreError(f"cannot open the database {p}: {e.strerror}") from e
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the database {p}: {e}") from e
        finally:
            os.umask(old_umask)
    else:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        # erased personal data is overwritten on disk, not left in free pages
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise StoreError(f"{p} is not a usable SQLite database: {e}") from e
    return sqlite_utils.Database(conn, execute_plugins=False)


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on error.

    IMMEDIATE takes the write lock at the start, so two writers (the daemon and a
    CLI command) queue on the busy timeout instead of failing half-way. Nested use
    becomes a savepoint, so a caller's transaction can include a callee's.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise StoreBusy(f"the database is busy: {e}") from e
        raise StoreError(str(e)) from e
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
