"""The membership story from the shell, as a volunteer would try it with saved mail files."""

from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_bytes
from pathlib import Path

from tests.conftest import write_deployment
from tests.servers import SmtpServer

FTM = [sys.executable, "-m", "ftm"]


def ftm(config: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    return subprocess.run([*FTM, "--config", str(config), *args], input=stdin,
                          capture_output=True, env=env, timeout=120)


def test_deliver_flush_reply_show(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # ftm deliver < signup.eml; ftm outbox flush; the reply saved as a file goes back in
    # through ftm deliver; ftm members show explains the active member and their hub
    config = write_deployment(tmp_path / "d", smtp={"port": smtp_server.port})
    assert ftm(config, "hubs", "sync", "--apply", "--no-notify").returncode == 0
    signup = (b"From: Ann Lee <ann.lee@example.org>\r\nTo: forthemany.network@gmail.com\r\n"
              b"Subject: Joining\r\nMessage-ID: <s1@example.org>\r\n\r\n"
              b"Hello, please sign me up. My postcode is L8 1AB.\r\n\r\nAnn Lee\r\n")
    (tmp_path / "signup.eml").write_bytes(signup)
    r = ftm(config, "deliver", stdin=(tmp_path / "signup.eml").read_bytes())
    assert r.returncode == 0, r.stderr
    assert b"join" in r.stdout
    r = ftm(config, "outbox", "flush")
    assert r.returncode == 0, r.stderr
    (confirm,) = smtp_server.sent_messages(1)
    msg = confirm.message
    reply = (f"From: Ann Lee <ann.lee@example.org>\r\nTo: {msg['Reply-To']}\r\n"
             f"Subject: Re: {msg['Subject']}\r\nMessage-ID: <r1@example.org>\r\n"
             f"In-Reply-To: {msg['Message-ID']}\r\n\r\nYes, I agree.\r\n").encode()
    (tmp_path / "reply.eml").write_bytes(reply)
    r = ftm(config, "deliver", stdin=(tmp_path / "reply.eml").read_bytes())
    assert r.returncode == 0 and b"commit" in r.stdout, (r.stdout, r.stderr)
    # the same file handed over twice: a duplicate, still exit 0
    again = ftm(config, "deliver", stdin=(tmp_path / "reply.eml").read_bytes())
    assert again.returncode == 0 and b"duplicate" in again.stdout
    r = ftm(config, "members", "show", "ann.lee@example.org")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    for words in ("active", "Liverpool South", "district L8", "consent", "member/welcome"):
        assert words in out, (words, out)
    assert ftm(config, "outbox", "flush").returncode == 0
    subjects = {str(message_from_bytes(m.data)["Subject"]) for m in smtp_server.sent_messages(3)}
    assert any("Welcome" in s for s in subjects)


def test_deliver_when_the_store_is_locked_says_try_again(tmp_path: Path) -> None:
    # another writer holds the store: EX_TEMPFAIL (75), so the MTA keeps the message
    import sqlite3

    config = write_deployment(tmp_path / "d", store={"path": "ftm.db", "busy_timeout_ms": 200})
    assert ftm(config, "db", "migrate").returncode == 0
    mail = b"From: a@example.org\r\nSubject: hi\r\n\r\njoin L8 1AB\r\n"
    holder = sqlite3.connect(tmp_path / "d" / "ftm.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = ftm(config, "deliver", stdin=mail)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 75, r.stderr
    r = ftm(config, "deliver", stdin=mail)
    assert r.returncode == 0, r.stderr
