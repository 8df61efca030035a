"""Backups of the store: a consistent copy taken while the daemon runs, private, checked.

SQLite's online backup API copies the database page by page from a read transaction,
so the copy is one moment's state even while the daemon writes (WAL lets both go on).
The copy is written beside its final name with mode 0600, checked with
``PRAGMA integrity_check``, flushed to disk and only then renamed into place, so a
backup that exists is a whole one. The HMAC key file that sits beside the store
(``<store>.key``, when the key is not a credential) is copied with it: without that
key, the hashed suppression entries of people who asked to be erased match nobody,
and a restored store could re-add them.

    report = backup_to(db, Path("/var/lib/ftm/backups"), key_file=Path("/var/lib/ftm/ftm.db.key"))
    prune(Path("/var/lib/ftm/backups"), keep=14)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from lists.store import StoreError

PREFIX = "ftm-"
SUFFIX = ".db"
PAGES_PER_STEP = 1024   # a step copies this many pages, then lets writers in


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    key_path: Path | None   # the key file's copy, or None when the key is a credential
    bytes: int
    members: int
    seconds: float


def backup_name(now: datetime) -> str:
    """``ftm-20261125T031500Z.db``: sorts by time, says when."""
    return f"{PREFIX}{now:%Y%m%dT%H%M%SZ}{SUFFIX}"


def backup_to(db: sqlite_utils.Database, dest: Path, now: datetime,
              key_file: Path | None = None,
              progress: Callable[[int, int], None] | None = None) -> BackupReport:
    """Copy the store to *dest*: a ``.db`` file name, or a folder to put a dated file in.

    *progress* is called with (pages copied, pages in all). Raises ``StoreError``
    with a one-line reason when the copy cannot be made or does not check out.
    """
    started = time.monotonic()
    if dest.is_dir() or dest.suffix != SUFFIX:   # a folder (made if missing), else a file
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        dest = dest / backup_name(now)
    if dest.exists():
        raise StoreError(f"{dest} exists already: a backup never overwrites a file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        _private_file(tmp)
        target = sqlite3.connect(str(tmp))
        try:
            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)
            db.conn.backup(target, pages=PAGES_PER_STEP, progress=step)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"the copy in {tmp} does not check out: {check}")
            members = int(target.execute("SELECT count(*) FROM members").fetchone()[0])
            # one file, no -wal beside it: a backup is opened by copying it back
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except sqlite3.Error as e:
        raise StoreError(f"backup to {dest} failed: {e}") from e
    except OSError as e:
        raise StoreError(f"backup to {dest} failed: {e.strerror or e}") from e
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    key_copy = None
    if key_file is not None and key_file.exists():
        key_copy = dest.with_name(dest.name + ".key")
        _private_file(key_copy)
        shutil.copyfile(key_file, key_copy)
    return BackupReport(dest, key_copy, dest.stat().st_size, members,
                        time.monotonic() - started)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the *keep* newest dated backups in *folder* (with their key files)."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    found = sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
    gone = found[:-keep]
    for p in gone:
        p.unlink()
        with contextlib.suppress(FileNotFoundError):
            p.with_name(p.name + ".key").unlink()
    return gone


def _private_file(path: Path) -> None:
    """Create *path* empty with mode 0600 (whatever the umask), or fail if it exists."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):   # not every file system lets a directory sync
        _fsync(path)
