"""``ftm outbox`` and ``ftm send`` as a volunteer runs them, against a real SMTP server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlite_utils

from lists import outbox
from lists.outbox import OutgoingMail, enqueue
from lists.store import transaction
from tests.mailhelp import START, add_hub, add_members, parsed
from tests.servers import SmtpServer
from tests.test_bulk import ftm_env


def ftm(env: dict[str, str], *args: str,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ftm", *args], env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


def test_outbox_list_flush_retry_cancel(db_path: Path, db: sqlite_utils.Database,
                                        smtp_server: SmtpServer) -> None:
    # list shows what waits and why; flush sends; cancel stops one; retry brings a failed one back
    smtp_server.handler.fail_rcpt["gone@example.org"] = "550 5.1.1 No such user"
    with transaction(db):
        keep, drop, gone = (enqueue(db, OutgoingMail("member/welcome", a, kind="notice"), START)
                            for a in ("ann@example.org", "bob@example.org", "gone@example.org"))
    env = ftm_env(db_path, smtp_server)
    r = ftm(env, "outbox", "list")
    assert r.returncode == 0, r.stderr
    assert "ann@example.org" in r.stdout and "3 due now" in r.stdout
    assert "0 of 1000000 sent in the last 24 hours" in r.stdout
    assert ftm(env, "outbox", "cancel", str(drop)).returncode == 0
    r = ftm(env, "outbox", "cancel", str(drop))
    assert r.returncode == 1 and "cannot be cancelled" in r.stderr and "Traceback" not in r.stderr
    r = ftm(env, "outbox", "flush")
    assert r.returncode == 0, r.stderr
    assert "delivered 1, failed 1" in r.stdout and "550 5.1.1 No such user" in r.stdout
    assert [m.rcpt_tos for m in smtp_server.sent_messages(expected=1)] == [["ann@example.org"]]
    r = ftm(env, "outbox", "list")
    assert "gone@example.org" in r.stdout and "550 5.1.1" in r.stdout
    del smtp_server.handler.fail_rcpt["gone@example.org"]
    assert ftm(env, "outbox", "retry", str(gone)).returncode == 0
    assert "delivered 1" in ftm(env, "outbox", "flush").stdout
    states = {i: (outbox.get(db, i) or outbox.get(db, 0)) for i in (keep, drop, gone)}
    assert [s.state if s else None for s in states.values()] == ["sent", "cancelled", "sent"]


def test_flush_with_no_relay_says_so(db_path: Path, db: sqlite_utils.Database,
                                     smtp_server: SmtpServer) -> None:
    # a relay that is not there: one line, exit 1, the mail stays queued
    with transaction(db):
        enqueue(db, OutgoingMail("member/welcome", "ann@example.org", kind="notice"), START)
    env = ftm_env(db_path, smtp_server, FTM_SMTP_PORT="1")
    r = ftm(env, "outbox", "flush")
    assert r.returncode == 1 and "cannot connect to 127.0.0.1:1" in r.stdout
    assert "Traceback" not in r.stderr
    (row,) = outbox.waiting(db)
    assert row.state == "queued"


def test_send_dry_run_preview_and_send(db_path: Path, db: sqlite_utils.Database,
                                       smtp_server: SmtpServer, tmp_path: Path) -> None:
    # dry run sends nothing; preview sends one copy; the send reaches every member once
    hub = add_hub(db, "leeds", "Leeds")
    add_members(db, 25, hub)
    body = tmp_path / "notice.md"
    body.write_text("Meeting **Friday** at the Hall.\n")
    env = ftm_env(db_path, smtp_server)
    args = ["send", "--to", "hub:leeds", "--subject", "Friday", str(body)]
    r = ftm(env, *args, "--dry-run", "--template", "hub/notice")
    assert r.returncode == 0, r.stderr
    assert "members of Leeds: 25 recipient(s); nothing sent" in r.stdout
    assert "Meeting **Friday** at the Hall." in r.stdout and "Subject: Friday" in r.stdout
    assert smtp_server.messages == []
    r = ftm(env, *args, "--template", "hub/notice", "--preview-to", "chair@example.org")
    assert r.returncode == 0, r.stdout + r.stderr
    (preview,) = smtp_server.sent_messages(expected=1)
    assert preview.rcpt_tos == ["chair@example.org"]
    assert parsed(preview)["Subject"] == "[preview] Friday"
    r = ftm(env, *args, "--template", "hub/notice")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "25 of 25 delivered, 0 failed, 0 waiting" in r.stdout
    got = smtp_server.sent_messages(expected=26)[1:]
    assert len({m.rcpt_tos[0] for m in got}) == 25


def test_send_errors_are_one_sentence(db_path: Path, db: sqlite_utils.Database,
                                      smtp_server: SmtpServer, tmp_path: Path) -> None:
    # unknown hub, unknown template, missing arguments: a clear line, non-zero, no traceback
    body = tmp_path / "b.md"
    body.write_text("x")
    env = ftm_env(db_path, smtp_server)
    for args, words in [(["--to", "hub:nowhere", "--subject", "S", str(body)], "no hub"),
                        (["--to", "all", "--subject", "S", "--template", "member/nonesuch",
                          str(body)], "no template member/nonesuch"),
                        (["--to", "all", str(body)], "give --to, --subject")]:
        r = ftm(env, "send", *args)
        assert r.returncode != 0 and words in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert smtp_server.messages == []
