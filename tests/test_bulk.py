"""Bulk sends: personal copies for an audience, the fast path equals a full render, kill -9."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from email.utils import parseaddr
from pathlib import Path

import pytest
import sqlite_utils

from lists import sends, tokens
from lists.msgid import parse_message_id, parse_verp
from lists.sends import AudienceError, NewSend
from mailer.bulk import BulkSender, create_send, make_skeleton
from mailer.compose import Hub
from mailer.mime import encode
from tests.mailhelp import KEY, START, Clock, add_hub, add_members, composer, parsed, parts, relay
from tests.servers import SmtpServer

BODY = "## This month\n\nWe met **300** people. Café at 7pm — all welcome.\n\n- one\n- two\n"


def test_hub_send_gives_each_member_one_personal_copy(db: sqlite_utils.Database,
                                                      smtp_server: SmtpServer) -> None:
    # 40 members of one hub, 5 of another, 3 who left: exactly the 40 get one copy each
    hub = add_hub(db, "manchester", "Greater Manchester")
    other = add_hub(db, "scotland", "Scotland")
    members = add_members(db, 40, hub)
    add_members(db, 5, other, prefix="s")
    add_members(db, 3, hub, prefix="gone", state="left")
    db.execute("UPDATE members SET name = 'Siân Ó Briain' WHERE email = 'm1@example.org'")
    db.conn.commit()
    send_id = create_send(db, NewSend("list", "hub/notice", "Meeting on Friday", BODY,
                                      "hub:manchester", "chair@example.org"), START)
    report = BulkSender(db, relay(smtp_server, concurrency=3), composer(), send_id,
                        Clock()).run()
    assert report.summary.sent == 40 and report.summary.waiting == 0
    assert sends.get(db, send_id).state == "done"
    got = smtp_server.sent_messages(expected=40)
    assert sorted(m.rcpt_tos[0] for m in got) == sorted(members)
    seen_tokens = set()
    for m in got:
        msg = parsed(m)
        addr = m.rcpt_tos[0]
        ref = parse_message_id(msg["Message-ID"], KEY)
        assert ref is not None and ref.kind == "d"
        assert parse_verp(m.mail_from, "+", KEY) == ref
        row = db.execute("SELECT to_addr, state FROM deliveries WHERE id = ?",
                         [ref.row_id]).fetchone()
        assert row == (addr, "sent")
        assert msg["List-Id"] == '"Greater Manchester" <manchester.ftm.test>'
        assert msg["Subject"] == "Meeting on Friday"
        token = msg["List-Unsubscribe"].split("unsub-")[1].split("@")[0]
        assert tokens.peek(db, token, "unsub", addr, START) is not None
        seen_tokens.add(token)
        text, html = parts(msg)
        name = parseaddr(str(msg["To"]))[0]
        greeting = f"Dear {name}," if name else "Hello,"
        assert greeting in text and greeting in (html or "").replace("&#39;", "'")
        for needle in ("Café at 7pm — all welcome.", token):
            assert needle in text and needle in (html or "")
        assert "<strong>300</strong>" in (html or "")
    assert len(seen_tokens) == 40
    assert parseaddr(str(parsed(next(m for m in got if m.rcpt_tos == ["m1@example.org"]))
                         ["To"]))[0] == "Siân Ó Briain"


@pytest.mark.parametrize("template", ["network/bulletin", "custom/shouty"])
def test_fast_fill_equals_a_full_render(tmp_path: Path, template: str) -> None:
    # the skeleton's output is byte for byte a full render (and falls back when it must)
    site = tmp_path / "site"
    (site / "custom").mkdir(parents=True)
    (site / "custom" / "shouty.txt").write_text(
        "Subject: {{ subject }} for {{ recipient.name|upper }}\n\nHi {{ recipient.name|title }}\n"
        "{{ body }}\n")
    (site / "custom" / "shouty.html").write_text("<p>{{ recipient.name|urlencode }}</p>\n")
    c = composer(site_dir=str(site))
    sk = make_skeleton(c, "bulletin", template, "News", BODY, {}, Hub(1, "m", "M"))
    for name in ["Ann", "", "Zoë <O'Brien> & \"Co\"", "a\nb"]:
        mailto, url = c.unsubscribe("tok" + "x" * 21)
        fast = sk.fill(name, "z@example.org", mailto, url)
        full = sk.render(name, "z@example.org", mailto, url)
        assert fast == encode(full.subject, full.text, full.html)
    assert sk.fast == (template == "network/bulletin")


def test_audiences(db: sqlite_utils.Database) -> None:
    # all, hub:SLUG and region:NAME (by postcode area) pick active members; unknown ones fail
    north = add_hub(db, "liverpool", "Liverpool")
    add_members(db, 4, north, prefix="l")
    add_members(db, 2, None, prefix="x")
    add_members(db, 1, None, prefix="gone", state="left")
    for email, postcode in [("l0@example.org", "L8 1AB"), ("l1@example.org", "M14 5RT"),
                            ("x0@example.org", "EH1 1YZ"), ("gone0@example.org", "L17 2AA")]:
        db.execute("UPDATE members SET postcode = ? WHERE email = ?", [postcode, email])
    db.conn.commit()
    assert sends.count_audience(db, sends.resolve_audience(db, "all")) == 6
    assert sends.count_audience(db, sends.resolve_audience(db, "hub:liverpool")) == 4
    assert sends.count_audience(db, sends.resolve_audience(db, "region:north west")) == 2
    assert sends.count_audience(db, sends.resolve_audience(db, "region:Scotland")) == 1
    assert sends.count_audience(db, sends.resolve_audience(db, "region:London")) == 0
    for bad in ("hub:nowhere", "region:Atlantis", "everyone", "hub:"):
        with pytest.raises(AudienceError):
            sends.resolve_audience(db, bad)


def ftm_env(db_path: Path, server: SmtpServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    env.update(FTM_STORE_PATH=str(db_path), FTM_SMTP_HOST=server.host,
               FTM_SMTP_PORT=str(server.port), FTM_SMTP_SECURITY="none",
               FTM_SMTP_RATE="100000", FTM_SMTP_CONCURRENCY="4",
               FTM_SMTP_DAILY_QUOTA="1000000", FTM_SECRET_KEY="k" * 32,
               FTM_NETWORK_BASE_URL="https://ftm.example.org", COLUMNS="200")
    env.update(extra)
    return env


def resume(send_id: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ftm", "send", "--resume", str(send_id)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def kill_when(proc: subprocess.Popen[bytes], server: SmtpServer, count: int) -> bool:
    """kill -9 *proc* once the server holds *count* messages; False if it finished first."""
    deadline = time.monotonic() + 60
    while len(server.messages) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    return True


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume(db_path: Path, db: sqlite_utils.Database,
                                             smtp_server: SmtpServer) -> None:
    # every recipient delivered; duplicates only for mail in flight: at most 4 per kill
    n = 1500
    add_members(db, n)
    send_id = create_send(db, NewSend("bulletin", "network/bulletin", "Kill test", BODY, "all",
                                      "steering@example.org"), START)
    env = ftm_env(db_path, smtp_server)
    rng = random.Random(5)
    kills = 0
    for _ in range(4):
        target = len(smtp_server.messages) + rng.randint(50, 300)
        proc = resume(send_id, env)
        if kill_when(proc, smtp_server, target):
            kills += 1
    proc = resume(send_id, env)
    out = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 0, out
    assert kills >= 3, "the send finished before it could be killed"
    counts = Counter(m.rcpt_tos[0] for m in smtp_server.messages)
    assert len(counts) == n
    duplicates = sum(counts.values()) - n
    assert duplicates <= kills * 4, (duplicates, kills)
    s = sends.summary(db, send_id)
    assert s.sent == n and s.waiting == 0
    assert f"{n} of {n} delivered" in out


@pytest.mark.slow
def test_quota_of_500_is_never_exceeded_across_a_kill(db_path: Path, db: sqlite_utils.Database,
                                                      smtp_server: SmtpServer) -> None:
    # a send to 800 with a quota of 500, killed half-way and resumed: at most 500 reach the relay
    add_members(db, 800)
    send_id = create_send(db, NewSend("bulletin", "network/bulletin", "Quota", BODY, "all",
                                      "steering@example.org"), START)
    env = ftm_env(db_path, smtp_server, FTM_SMTP_DAILY_QUOTA="500")
    assert kill_when(resume(send_id, env), smtp_server, 250)
    proc = resume(send_id, env)
    out = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 0, out
    assert "quota is used up" in out
    # what the killed run had claimed stays counted: a crash may waste a little quota
    assert 400 <= len(smtp_server.messages) <= 500
    again = resume(send_id, env)
    out = again.communicate(timeout=120)[0].decode()
    assert len(smtp_server.messages) <= 500
    assert "quota is used up" in out
    s = sends.summary(db, send_id)
    assert s.waiting >= 300 and s.sent + s.waiting == 800
