"""The IMAP watcher against a private Dovecot: once per message, the right folder, no loss."""

from __future__ import annotations

import logging
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from imapclient import IMAPClient

from inbox import cursor as cursors
from inbox import watch
from inbox.imap import LoginFailed, WatchConfig, WatchError
from inbox.watch import Watcher
from lists.clock import utcnow
from lists.store import StoreBusy
from tests.recording import RecordingProcessor, make_message, subject_for
from tests.servers import Dovecot, ImapAccount

FOLDERS = ("INBOX", "ftm/processed", "ftm/review", "ftm/bounces", "ftm/failed")


def config_for(acct: ImapAccount, **kw: object) -> WatchConfig:
    values: dict[str, object] = {"security": "none", "poll_seconds": 600.0,
                                 "backoff_first": 0.1, "backoff_max": 0.5}
    values.update(kw)
    return WatchConfig(acct.host, acct.port, acct.user,
                       credential=lambda: acct.password, **values)  # type: ignore[arg-type]


def message_ids(acct: ImapAccount) -> dict[str, list[str]]:
    """Message-IDs in each folder that exists (for asserting where mail was filed)."""
    c = acct.client()
    try:
        out: dict[str, list[str]] = {}
        for folder in FOLDERS:
            if not c.folder_exists(folder):
                continue
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            data = c.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]", "FLAGS"])
            out[folder] = sorted(
                v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
                for v in data.values())
            assert not any(b"\\Seen" in v[b"FLAGS"] for v in data.values()), folder
        return out
    finally:
        c.logout()


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def processor(db: sqlite_utils.Database, db_path: Path) -> Iterator[RecordingProcessor]:
    p = RecordingProcessor(db_path)
    yield p
    p.close()


def count(db: sqlite_utils.Database, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def test_each_message_processed_once_and_filed(imap_server: ImapAccount,
                                               db: sqlite_utils.Database,
                                               processor: RecordingProcessor,
                                               caplog: pytest.LogCaptureFixture) -> None:
    # 16 mixed messages: each processed once, filed by its outcome, unread, logged
    for i in range(16):
        imap_server.append(make_message(i, subject_for(i) if i != 9 else "crash me"))
    w = Watcher(config_for(imap_server, batch_size=5), db, processor)
    with caplog.at_level(logging.INFO):
        assert w.poll_once() == 16
    assert w.poll_once() == 0
    w.close()
    assert processor.calls == 16
    got = message_ids(imap_server)
    assert got["INBOX"] == []
    assert got["ftm/failed"] == ["<msg-9@example.org>"]
    assert got["ftm/bounces"] == sorted(f"<msg-{i}@example.org>" for i in (6, 14))
    assert got["ftm/review"] == sorted(f"<msg-{i}@example.org>" for i in (4, 12))
    assert len(got["ftm/processed"]) == 11
    assert count(db, "SELECT count(*) FROM inbound_messages") == 15
    assert count(db, "SELECT count(*) FROM outbox") == 11
    assert "<msg-9@example.org>" in caplog.text and "failed" in caplog.text
    assert 'intent=join outcome="recorded" folder=processed via=imap' in caplog.text
    assert cursors.load(db, w.config.account, "INBOX") is not None


def test_copy_and_delete_where_move_is_missing(imap_server: ImapAccount,
                                               db: sqlite_utils.Database,
                                               processor: RecordingProcessor) -> None:
    # with MOVE pretended absent: COPY + \Deleted + UID EXPUNGE files the same way
    for i in range(6):
        imap_server.append(make_message(i, subject_for(i)))
    w = Watcher(config_for(imap_server, use_move=False), db, processor)
    assert w.poll_once() == 6
    w.close()
    got = message_ids(imap_server)
    assert got["INBOX"] == []
    assert len(got["ftm/processed"]) == 5 and len(got["ftm/review"]) == 1


def test_replay_after_commit_before_move_is_a_duplicate(imap_server: ImapAccount,
                                                        db: sqlite_utils.Database,
                                                        processor: RecordingProcessor) -> None:
    # killed after the processor's commit, before the move: the replay changes nothing
    raw = make_message(1)
    imap_server.append(raw)
    processor(raw, "imap")  # committed, but the message was never moved
    w = Watcher(config_for(imap_server), db, processor)
    assert w.poll_once() == 1
    w.close()
    assert message_ids(imap_server)["ftm/processed"] == ["<msg-1@example.org>"]
    assert count(db, "SELECT count(*) FROM outbox") == 1
    assert count(db, "SELECT count(*) FROM inbound_messages") == 1


def test_uidvalidity_change_rescans_without_reapplying(imap_server: ImapAccount,
                                                       db: sqlite_utils.Database,
                                                       processor: RecordingProcessor) -> None:
    # the mailbox gets a new UIDVALIDITY: old UIDs are void, leftovers count as duplicates
    for i in range(3):
        imap_server.append(make_message(i))
    w = Watcher(config_for(imap_server), db, processor)
    assert w.poll_once() == 3
    old = cursors.load(db, w.config.account, "INBOX")
    assert old is not None and old.last_uid == 3
    # the store remembers UIDs far above what the rebuilt mailbox will hand out
    cursors.save(db, w.config.account, "INBOX", cursors.Cursor(old.uidvalidity, 10_000),
                 utcnow())
    imap_server.append(make_message(1))   # a processed message back in the inbox
    imap_server.append(make_message(50))  # and a new one
    imap_server.server.doveadm("mailbox", "update", "-u", imap_server.user,
                               "--uid-validity", str(old.uidvalidity + 7), "INBOX")
    handled = -1
    for _ in range(2):  # Dovecot may drop a session whose mailbox changed under it
        try:
            handled = w.poll_once()
            break
        except WatchError:
            continue
    assert handled == 2
    w.close()
    new = cursors.load(db, w.config.account, "INBOX")
    assert new is not None and new.uidvalidity == old.uidvalidity + 7
    assert count(db, "SELECT count(*) FROM inbound_messages") == 4
    assert count(db, "SELECT count(*) FROM outbox") == 4
    got = message_ids(imap_server)
    assert got["INBOX"] == [] and got["ftm/processed"].count("<msg-1@example.org>") == 2


def test_store_busy_leaves_the_message_for_later(imap_server: ImapAccount,
                                                 db: sqlite_utils.Database,
                                                 db_path: Path) -> None:
    # another writer holds the store: nothing is filed, the message waits, then goes through
    slow = RecordingProcessor(db_path, busy_timeout_ms=100)
    w = Watcher(config_for(imap_server), db, slow)
    assert w.poll_once() == 0  # the cursor exists before the store gets locked
    imap_server.append(make_message(1))
    imap_server.append(make_message(2))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy):
            w.poll_once()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert slow.calls == 1  # the processor met the lock; nothing was filed
    assert len(message_ids(imap_server)["INBOX"]) == 2
    assert w.poll_once() == 2
    w.close()
    slow.close()
    assert message_ids(imap_server)["INBOX"] == []


def test_oversize_mail_goes_to_review_unread(imap_server: ImapAccount,
                                             db: sqlite_utils.Database,
                                             processor: RecordingProcessor,
                                             caplog: pytest.LogCaptureFixture) -> None:
    # bigger than limits.max_message_bytes: filed under review, never fetched or processed
    imap_server.append(make_message(1, size=20_000))
    imap_server.append(make_message(2))
    w = Watcher(config_for(imap_server, max_message_bytes=5_000), db, processor)
    with caplog.at_level(logging.INFO):
        assert w.poll_once() == 2
    w.close()
    assert processor.calls == 1
    got = message_ids(imap_server)
    assert got["ftm/review"] == ["<msg-1@example.org>"]
    assert "<msg-1@example.org>" in caplog.text and "too large" in caplog.text


def run_in_thread(w: Watcher) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    t = threading.Thread(target=w.run_forever, args=(stop,), daemon=True)
    t.start()
    return t, stop


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "polling"])
def test_run_forever_picks_up_new_mail(imap_server: ImapAccount, db: sqlite_utils.Database,
                                       processor: RecordingProcessor, idle: bool) -> None:
    # IDLE (polls only every 600 s, so only IDLE can wake it) or polling every 0.5 s
    w = Watcher(config_for(imap_server, idle=idle, poll_seconds=600 if idle else 0.5),
                db, processor)
    t, stop = run_in_thread(w)
    try:
        assert wait_until(lambda: w._client is not None)
        time.sleep(0.3)
        for i in range(3):
            imap_server.append(make_message(i))
        assert wait_until(lambda: w.handled == 3), w.handled
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive()
    assert len(message_ids(imap_server)["ftm/processed"]) == 3


def test_dovecot_restart_mid_run(db: sqlite_utils.Database, processor: RecordingProcessor,
                                 caplog: pytest.LogCaptureFixture) -> None:
    # Dovecot goes away and comes back: the watcher reconnects, nothing lost or doubled
    server = Dovecot(users={"ftm": "pw"}).start()
    acct = ImapAccount(server, "ftm", "pw")
    stop = threading.Event()
    try:
        caplog.set_level(logging.INFO)
        w = Watcher(config_for(acct), db, processor)
        t, stop = run_in_thread(w)
        for i in range(10):
            acct.append(make_message(i))
        assert wait_until(lambda: w.handled == 10)
        server.restart()
        for i in range(10, 20):
            acct.append(make_message(i))
        assert wait_until(lambda: w.handled == 20), w.handled
        stop.set()
        t.join(timeout=10)
        got = message_ids(acct)
        assert got["INBOX"] == []
        assert got["ftm/processed"] == sorted(f"<msg-{i}@example.org>" for i in range(20))
        assert count(db, "SELECT count(*) FROM outbox") == 20
        assert caplog.text.count(": connected (") >= 2  # it did lose and regain the server
        assert "retrying in" in caplog.text
    finally:
        stop.set()
        server.cleanup()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_login(security: str, db: sqlite_utils.Database,
                   processor: RecordingProcessor) -> None:
    # implicit TLS and STARTTLS, verifying the server's certificate
    server = Dovecot(users={"ftm": "pw"}, tls=True).start()
    try:
        server.append(make_message(1))
        context = ssl.create_default_context(cafile=str(server.base / "cert.pem"))
        port = server.imaps_port if security == "tls" else server.port
        cfg = WatchConfig("127.0.0.1", port, "ftm", credential=lambda: "pw",
                          security=security, ssl_context=context)
        w = Watcher(cfg, db, processor)
        assert w.poll_once() == 1
        w.close()
    finally:
        server.cleanup()


def test_xoauth2_login_and_refused_login(imap_server: ImapAccount, db: sqlite_utils.Database,
                                         processor: RecordingProcessor) -> None:
    # XOAUTH2 with a bearer token logs in; a wrong secret is LoginFailed, not a crash
    imap_server.append(make_message(1))
    w = Watcher(config_for(imap_server, auth="xoauth2"), db, processor)
    assert w.poll_once() == 1
    w.close()
    bad = WatchConfig(imap_server.host, imap_server.port, imap_server.user,
                      credential=lambda: "wrong", security="none")
    with pytest.raises(LoginFailed, match="login refused"):
        Watcher(bad, db, processor).poll_once()
    empty = WatchConfig(imap_server.host, imap_server.port, imap_server.user,
                        credential=lambda: None, security="none", auth="xoauth2")
    with pytest.raises(LoginFailed, match="no OAuth token"):
        Watcher(empty, db, processor).poll_once()


def test_bodies_are_fetched_a_few_megabytes_at_a_time(imap_server: ImapAccount,
                                                      db: sqlite_utils.Database,
                                                      processor: RecordingProcessor,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # a batch of big messages is fetched in runs under FETCH_BYTES, all still processed
    monkeypatch.setattr(watch, "FETCH_BYTES", 5_000)
    calls: list[int] = []
    real_fetch = IMAPClient.fetch

    def counting_fetch(self: IMAPClient, messages: list[int], data: list[str],
                       modifiers: object = None) -> dict[int, Any]:
        if data == ["BODY.PEEK[]"]:
            calls.append(len(messages))
        return real_fetch(self, messages, data, modifiers)

    monkeypatch.setattr(IMAPClient, "fetch", counting_fetch)
    for i in range(8):
        imap_server.append(make_message(i, size=2_000))
    w = Watcher(config_for(imap_server), db, processor)
    assert w.poll_once() == 8
    w.close()
    assert sum(calls) == 8 and max(calls) <= 2 and len(calls) >= 4
    assert len(message_ids(imap_server)["ftm/processed"]) == 8


@pytest.mark.parametrize("sizes, limit, groups", [
    ([1, 1, 1], 10, [[0, 1, 2]]),
    ([6, 6, 6], 10, [[0], [1], [2]]),
    ([4, 4, 4, 20, 1], 10, [[0, 1], [2], [3], [4]]),
    ([], 10, []),
])
def test_by_size_cuts_runs_under_the_limit(sizes: list[int], limit: int,
                                           groups: list[list[int]]) -> None:
    # runs keep UID order, stay under the limit, and a message above it goes alone
    assert watch.by_size(list(range(len(sizes))), dict(enumerate(sizes)), limit) == groups
