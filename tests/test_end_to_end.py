"""The real `ftm run` against a private Dovecot and an SMTP server: mixed mail, crashes, restarts.

Each scenario APPENDs realistic mail (``ftm.mailmix``) to the network's mailbox, runs
the real command line in a subprocess, and checks the mailbox folders, the replies
that reached SMTP and the store.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

from ftm import mailmix
from tests.conftest import write_deployment
from tests.servers import Dovecot, ImapAccount, SmtpServer
from tests.test_watch import wait_until

FTM = [sys.executable, "-m", "ftm"]
NETWORK = "forthemany.network@gmail.com"
HUB_OF_AREA = {"L": "liverpool-south", "M": "manchester", "SK": "manchester",
               "OL": "manchester", "G": "scotland", "EH": "scotland"}


def deploy(tmp_path: Path, acct: ImapAccount, smtp: SmtpServer) -> Path:
    return write_deployment(
        tmp_path / "deploy",
        imap={"enabled": True, "host": "127.0.0.1", "port": acct.port, "security": "none",
              "username": acct.user, "idle": False, "poll_seconds": 1, "batch_size": 20},
        smtp={"port": smtp.port})


def ftm(config: Path, acct: ImapAccount, *args: str, log: Path,
        wait: bool = True) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FTM_", "NOTIFY_"))}
    env["FTM_IMAP_PASSWORD"] = acct.password
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    p = subprocess.Popen([*FTM, "--config", str(config), *args], env=env, stdout=out,
                         stderr=subprocess.STDOUT)
    if wait:
        assert p.wait(timeout=240) == 0, log.read_text()[-3000:]
    return p


def folders(acct: ImapAccount) -> dict[str, list[str]]:
    """Message-IDs in each folder of the mailbox."""
    c = acct.client()
    try:
        out: dict[str, list[str]] = {}
        for flags, _delim, name in c.list_folders():
            if b"\\Noselect" in flags or b"\\NonExistent" in flags:
                continue
            c.select_folder(name, readonly=True)
            uids = c.search(["NOT", "DELETED"])
            data = c.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
            out[name] = [message_from_bytes(d[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"])
                         .get("Message-ID", "").strip() for d in data.values()]
        return out
    finally:
        c.logout()


def store(config: Path) -> sqlite3.Connection:
    return sqlite3.connect(config.parent / "ftm.db", timeout=10)


def committed(config: Path) -> int:
    try:
        with store(config) as db:
            return int(db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def answer_everything(smtp: SmtpServer, seen: int, people: dict[str, mailmix.Person],
                      acct: ImapAccount, rng: random.Random) -> int:
    """The people answer the confirmations and postcode requests that reached them."""
    from ftm.demo import answers

    sent = [(m.rcpt_tos, m.data) for m in smtp.messages[seen:]]
    replies = answers(sent, people, rng)
    c = acct.client()
    for raw in replies:
        c.append("INBOX", raw)
    c.logout()
    return len(replies)


def seed(acct: ImapAccount, n: int) -> tuple[list[tuple[str, mailmix.Person, bytes]],
                                               dict[str, mailmix.Person]]:
    mix = mailmix.mix(n, NETWORK, seed=11, start=datetime(2026, 11, 2, 9, tzinfo=UTC))
    c = acct.client()
    for _label, _p, raw in mix:
        c.append("INBOX", raw)
    c.logout()
    return mix, {p.email.lower(): p for _, p, _ in mix}


def msgid(raw: bytes) -> str:
    return str(message_from_bytes(raw)["Message-ID"]).strip()


def test_200_mixed_messages_then_confirmations(imap_server: ImapAccount,
                                               smtp_server: SmtpServer, tmp_path: Path) -> None:
    # 200 mixed first contacts -> each filed once in the right folder, replies sent;
    # the people's answers -> members active in the hub their postcode belongs to
    config = deploy(tmp_path, imap_server, smtp_server)
    log = tmp_path / "ftm.log"
    mix, people = seed(imap_server, 200)
    ftm(config, imap_server, "hubs", "sync", "--apply", "--no-notify", log=log)
    ftm(config, imap_server, "run", "--once", log=log)
    got = folders(imap_server)
    assert got["INBOX"] == []
    where = {m: f for f, ids in got.items() for m in ids}
    assert Counter(m for ids in got.values() for m in ids).most_common(1)[0][1] == 1
    expected_folder = {"bounce": "ftm/bounces", "review": "ftm/review"}
    for label, _p, raw in mix:
        assert where[msgid(raw)] == expected_folder.get(label, "ftm/processed"), (label, raw)
    with store(config) as db:
        assert db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == 200
        # machine mail is never answered
        for label, p, _raw in mix:
            if label in ("bounce", "auto_reply"):
                assert db.execute("SELECT count(*) FROM outbox WHERE to_addr = ?",
                                  [p.email]).fetchone()[0] == 0, (label, p.email)
        queued = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert queued == len(smtp_server.sent_messages(queued, timeout=30))
    rng = random.Random(5)
    seen = 0
    for _ in range(4):  # postcode answers, then confirmations, then nothing left
        n = answer_everything(smtp_server, seen, people, imap_server, rng)
        seen = len(smtp_server.messages)
        if n == 0:
            break
        ftm(config, imap_server, "run", "--once", log=log)
    with store(config) as db:
        active = db.execute("SELECT m.email, m.postcode, h.slug FROM members m "
                            "LEFT JOIN hubs h ON h.id = m.hub_id WHERE state = 'active'"
                            ).fetchall()
        assert len(active) >= 100
        for email, postcode, slug in active:
            area = "".join(ch for ch in postcode.split()[0] if ch.isalpha())
            assert slug == HUB_OF_AREA.get(area), (email, postcode, slug)
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == \
            db.execute("SELECT count(DISTINCT lower(email)) FROM members").fetchone()[0]
    assert folders(imap_server)["INBOX"] == []


def test_sigkill_three_times_then_restart(imap_server: ImapAccount, smtp_server: SmtpServer,
                                         tmp_path: Path) -> None:
    # the real daemon SIGKILLed at random moments, three times, then run to the end:
    # nothing left unprocessed, no member doubled, no message applied twice
    config = deploy(tmp_path, imap_server, smtp_server)
    log = tmp_path / "ftm.log"
    mix, _people = seed(imap_server, 200)
    ftm(config, imap_server, "hubs", "sync", "--apply", "--no-notify", log=log)
    rng = random.Random()
    for _kill in range(3):
        target = committed(config) + rng.randint(10, 40)
        p = ftm(config, imap_server, "run", log=log, wait=False)
        try:
            assert wait_until(lambda t=target: committed(config) >= t, 60), \
                log.read_text()[-3000:]
            time.sleep(rng.uniform(0, 0.1))
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
    assert committed(config) < 200, "the kills came too late to test anything"
    ftm(config, imap_server, "run", "--once", log=log)
    got = folders(imap_server)
    assert got["INBOX"] == []
    filed = Counter(m for f, ids in got.items() if f != "INBOX" for m in ids)
    assert sorted(filed) == sorted(msgid(raw) for _, _, raw in mix)
    assert set(filed.values()) == {1}, "a message was filed twice"
    with store(config) as db:
        assert db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == 200
        per_message = db.execute("SELECT in_reply_to, count(*) FROM outbox "
                                 "WHERE kind = 'reply' GROUP BY in_reply_to").fetchall()
        assert {n for _, n in per_message} == {1}, "a message was applied twice"
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == \
            db.execute("SELECT count(DISTINCT lower(email)) FROM members").fetchone()[0]


def test_dovecot_restart_mid_run(smtp_server: SmtpServer, tmp_path: Path) -> None:
    # the IMAP server goes away and comes back: the daemon reconnects and loses nothing
    server = Dovecot(users={"net": "net-pw"}).start()
    acct = ImapAccount(server, "net", "net-pw")
    try:
        config = deploy(tmp_path, acct, smtp_server)
        log = tmp_path / "ftm.log"
        mix = mailmix.mix(60, NETWORK, seed=3)
        for _, _, raw in mix[:30]:
            acct.append(raw)
        p = ftm(config, acct, "run", log=log, wait=False)
        try:
            assert wait_until(lambda: committed(config) >= 30, 60), log.read_text()[-3000:]
            server.restart()
            for _, _, raw in mix[30:]:
                acct.append(raw)
            assert wait_until(lambda: committed(config) >= 60, 90), log.read_text()[-3000:]
            assert wait_until(lambda: folders(acct)["INBOX"] == [], 30)
        finally:
            p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=60) == 0, log.read_text()[-3000:]
        text = log.read_text()
        assert "retrying in" in text and text.count(": connected (") >= 2, text[-3000:]
    finally:
        server.cleanup()
