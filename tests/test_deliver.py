"""Outbox delivery against a real SMTP server: every header parsed back, failures, TLS, AUTH."""

from __future__ import annotations

import re
from email.utils import parseaddr, parsedate_to_datetime

import sqlite_utils

from lists import outbox, tokens
from lists.msgid import MailRef, parse_message_id, parse_verp
from lists.outbox import OutgoingMail, enqueue
from lists.store import transaction
from tests.mailhelp import START, Clock, add_hub, deliverer, parsed, parts
from tests.servers import SmtpServer

PRINCIPLES = ["Solidarity", "Democracy", "Bread and Roses"]


def queue(db: sqlite_utils.Database, *mails: OutgoingMail) -> list[int]:
    with transaction(db):
        return [enqueue(db, m, START) for m in mails]


def confirm(to: str, name: str | None = "Ann Lee", **kw: object) -> OutgoingMail:
    ctx = {"principles": PRINCIPLES, "postcode": "L8 1AB",
           "confirm_address": "network+confirm-abc@example.org"}
    return OutgoingMail("member/confirm-join", to, name, ctx, kind="reply", **kw)  # type: ignore[arg-type]


def test_every_kind_of_mail_has_its_headers(db: sqlite_utils.Database,
                                            smtp_server: SmtpServer) -> None:
    # a reply, a notice, hub list mail and a bulletin: each parsed back, each header checked
    hub = add_hub(db, "liverpool-south", "Liverpool South")
    ids = queue(db,
                confirm("ann@example.org", in_reply_to="<abc@mail.example.org>"),
                OutgoingMail("member/welcome", "bob@example.org", "Bob", {}, kind="notice",
                             member_id=None, hub_id=hub),
                OutgoingMail("hub/notice", "cat@example.org", "Cat", {
                    "subject": "Meeting on Friday", "body": "Come along, *all* welcome."},
                    kind="list", hub_id=hub),
                OutgoingMail("network/bulletin", "dan@example.org", None, {
                    "subject": "National bulletin", "body": "# News\n\nWe won."},
                    kind="bulletin"))
    report = deliverer(db, smtp_server).flush()
    assert (report.sent, report.failed, report.retry) == (4, 0, 0)
    got = {m.rcpt_tos[0]: m for m in smtp_server.sent_messages(expected=4)}
    for row_id, addr in zip(ids, ["ann@example.org", "bob@example.org", "cat@example.org",
                                  "dan@example.org"], strict=True):
        m = got[addr]
        msg = parsed(m)
        row = outbox.get(db, row_id)
        assert row is not None and row.state == "sent"
        assert parseaddr(msg["From"]) == ("For the Many", "network@example.org")
        assert msg["Reply-To"] == "network@example.org"
        assert parseaddr(msg["To"])[1] == addr
        assert abs((parsedate_to_datetime(msg["Date"]) - START).total_seconds()) < 2
        assert parse_message_id(msg["Message-ID"], b"test-secret-key") == MailRef("o", row_id)
        assert row.message_id == msg["Message-ID"]
        assert parse_verp(m.mail_from, "+", b"test-secret-key") == MailRef("o", row_id)
        assert msg["MIME-Version"] == "1.0"
        text, html = parts(msg)
        assert html is not None and "For the Many" in text and "For the Many" in html
        assert "help@example.org" in text and "help@example.org" in html
    reply = parsed(got["ann@example.org"])
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["In-Reply-To"] == "<abc@mail.example.org>"
    assert reply["Subject"] == "Please confirm: your For the Many membership"
    assert reply["List-Id"] is None and reply["List-Unsubscribe"] is None
    text, html = parts(reply)
    for p in PRINCIPLES:
        assert p in text and p in (html or "")
    assert parsed(got["bob@example.org"])["Auto-Submitted"] == "auto-generated"
    assert parsed(got["bob@example.org"])["Subject"] == "Welcome to Liverpool South"
    for addr, list_id in [("cat@example.org", '"Liverpool South" <liverpool-south.ftm.test>'),
                          ("dan@example.org", '"For the Many bulletin" <bulletin.ftm.test>')]:
        msg = parsed(got[addr])
        assert msg["List-Id"] == list_id
        assert msg["Auto-Submitted"] is None
        unsub = msg["List-Unsubscribe"]
        m = re.fullmatch(r"<mailto:network\+unsub-([\w-]+)@example\.org>, "
                         r"<https://ftm\.example\.org/unsubscribe\?token=([\w-]+)>", unsub)
        assert m and m.group(1) == m.group(2), unsub
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert tokens.peek(db, m.group(1), "unsub", addr, START) is not None
        text, html = parts(msg)
        assert m.group(1) in text and m.group(1) in (html or "")
    text, html = parts(parsed(got["dan@example.org"]))
    assert "We won." in text and "<h1>News</h1>" in (html or "")
    assert "Dear member," in text and "Dear member," in (html or "")


def test_display_name_injection_never_adds_a_header(db: sqlite_utils.Database,
                                                    smtp_server: SmtpServer) -> None:
    # CR/LF in a name or a subject stays inside its header; only the intended recipient gets it
    queue(db, OutgoingMail("hub/notice", "eve@example.org",
                           "Eve\r\nBcc: victim@example.net\r\n\r\nbody", {
                               "subject": "Hi\r\nBcc: other@example.net", "body": "x"},
                           kind="list"))
    deliverer(db, smtp_server).flush()
    (m,) = smtp_server.sent_messages(expected=1)
    msg = parsed(m)
    assert m.rcpt_tos == ["eve@example.org"]
    assert msg["Bcc"] is None
    assert msg.get_all("To") is not None and len(msg.get_all("To") or []) == 1
    assert parseaddr(msg["To"])[1] == "eve@example.org"
    assert "\n" not in msg["Subject"] and msg["Subject"].startswith("Hi Bcc:")
    assert not msg.defects


def test_non_ascii_name_and_subject_round_trip(db: sqlite_utils.Database,
                                               smtp_server: SmtpServer) -> None:
    # encoded words for names and long subjects; the body in both parts says the same
    subject = "Rhodd o £20 i’r gronfa — diolch yn fawr iawn i bawb a gyfrannodd eleni " * 2
    queue(db, OutgoingMail("hub/notice", "sian@example.org", "Siân Ó Briain-Łukasz", {
        "subject": subject, "body": "Diolch, ffrindiau! £20 ≠ €20\n\n.a line starting with a dot"},
        kind="list"))
    deliverer(db, smtp_server).flush()
    msg = parsed(smtp_server.sent_messages(expected=1)[0])
    assert parseaddr(str(msg["To"])) == ("Siân Ó Briain-Łukasz", "sian@example.org")
    assert msg["Subject"] == " ".join(subject.split())
    for line in smtp_server.messages[0].data.split(b"\r\n"):
        assert len(line) <= 78 or line.startswith(b"List-Unsubscribe"), line
    text, html = parts(msg)
    for needle in ("Diolch, ffrindiau! £20 ≠ €20", ".a line starting with a dot",
                   "Dear Siân Ó Briain-Łukasz"):
        assert needle in text and needle in (html or "")


def test_user_text_is_data_not_template_source(db: sqlite_utils.Database,
                                               smtp_server: SmtpServer) -> None:
    # a bulletin body with Jinja syntax and HTML is sent as written, escaped in HTML
    body = "{{ network.name }} {% if 1 %}x{% endif %} <script>alert(1)</script> [a](javascript:x)"
    queue(db, OutgoingMail("network/bulletin", "a@example.org", "<b>Al</b>",
                           {"subject": "{{ 7*7 }}", "body": body}, kind="bulletin"))
    deliverer(db, smtp_server).flush()
    msg = parsed(smtp_server.sent_messages(expected=1)[0])
    assert msg["Subject"] == "{{ 7*7 }}"
    text, html = parts(msg)
    assert body in text and "Dear <b>Al</b>," in text
    assert html is not None
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ network.name }}" in html and "&lt;b&gt;Al&lt;/b&gt;" in html
    assert 'href="javascript' not in html


def test_4xx_5xx_and_a_dropped_connection(db: sqlite_utils.Database,
                                          smtp_server: SmtpServer) -> None:
    # each recipient ends delivered exactly once, or failed with the server's own answer
    h = smtp_server.handler
    h.fail_rcpt["gone@example.org"] = "550 5.1.1 No such user"
    h.fail_rcpt["later@example.org"] = "451 4.3.0 Try again later"
    h.drop_after = 3
    addrs = [f"p{i}@example.org" for i in range(12)] + ["gone@example.org", "later@example.org"]
    ids = queue(db, *[OutgoingMail("member/welcome", a, None, {}, kind="notice") for a in addrs])
    clock = Clock()
    d = deliverer(db, smtp_server, clock)
    first = d.flush()
    assert first.failed == 1 and first.retry >= 2      # the 451 and the dropped message
    gone = outbox.get(db, ids[-2])
    assert gone is not None and gone.state == "failed"
    assert gone.last_error == "550 5.1.1 No such user"
    later = outbox.get(db, ids[-1])
    assert later is not None and later.state == "queued" and later.attempts == 1
    assert later.last_error == "451 4.3.0 Try again later"
    assert later.next_attempt_at > clock.now           # backoff, not at once
    assert d.flush().sent == 0                          # nothing is due yet
    del h.fail_rcpt["later@example.org"]
    clock.advance(hours=1)
    d.flush()
    received = [m.rcpt_tos[0] for m in smtp_server.messages]
    for a, row_id in zip(addrs, ids, strict=True):
        row = outbox.get(db, row_id)
        assert row is not None
        if a == "gone@example.org":
            assert received.count(a) == 0
        else:
            assert row.state == "sent", (a, row.state, row.last_error)
            assert received.count(a) == 1, a


def test_retries_give_up_after_max_attempts(db: sqlite_utils.Database,
                                            smtp_server: SmtpServer) -> None:
    # a recipient that answers 4xx for ever fails in the end, with the last answer kept
    smtp_server.handler.fail_rcpt["stuck@example.org"] = "452 4.2.2 Mailbox full"
    (row_id,) = queue(db, OutgoingMail("member/welcome", "stuck@example.org", kind="notice"))
    clock = Clock()
    d = deliverer(db, smtp_server, clock)
    for _ in range(d.policy.max_attempts):
        d.flush()
        clock.advance(days=1)
    row = outbox.get(db, row_id)
    assert row is not None and row.state == "failed"
    assert row.last_error and "452 4.2.2 Mailbox full" in row.last_error
    assert row.attempts == d.policy.max_attempts


def test_broken_template_fails_the_row_and_sends_nothing(db: sqlite_utils.Database,
                                                         smtp_server: SmtpServer) -> None:
    # a missing variable is a clear failure on that row, not a crash of the loop
    ok, bad, missing = queue(db, OutgoingMail("member/welcome", "a@example.org", kind="notice"),
                             OutgoingMail("member/confirm-join", "b@example.org", kind="reply"),
                             OutgoingMail("member/nonesuch", "c@example.org", kind="reply"))
    report = deliverer(db, smtp_server).flush()
    assert report.sent == 1 and report.failed == 2
    smtp_server.sent_messages(expected=1)
    row = outbox.get(db, bad)
    assert row is not None and row.state == "failed" and "principles" in (row.last_error or "")
    row = outbox.get(db, missing)
    assert row is not None and "member/nonesuch" in (row.last_error or "")
