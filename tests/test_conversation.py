"""Conversations through the one entry point, with replies really delivered over SMTP.

Each test reads like the mail thread: a person writes, ftm answers (the answer
reaches the SMTP server), the person answers that, and the store says where they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from ftm import mailing
from ftm.app import App
from ftm.wiring import processing
from inbox.outcome import Outcome
from inbox.process import process
from lists import members
from lists.hubs import load_hubs
from lists.hubsync import sync_hubs
from tests.conftest import write_deployment
from tests.servers import ReceivedMail, SmtpServer

NETWORK = "forthemany.network@gmail.com"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def deployed(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[App]:
    """A deployment whose relay is the test's SMTP server, with the example hubs loaded."""
    app = App(str(write_deployment(tmp_path / "d", smtp={"port": smtp_server.port})))
    db = app.db()
    sync_hubs(db, load_hubs(app.settings.paths.hubs_file), NOW, apply=True, notify=False)
    yield app
    app.close()


class Thread:
    """A person writing to the network and reading what comes back."""

    def __init__(self, app: App, smtp: SmtpServer, email: str, name: str) -> None:
        self.app, self.smtp, self.email, self.name = app, smtp, email, name
        self.seen = 0

    def write(self, subject: str, body: str, to: str = NETWORK,
              headers: dict[str, str] | None = None, sender: str | None = None) -> Outcome:
        lines = [f"From: {self.name} <{sender or self.email}>", f"To: {to}",
                 f"Subject: {subject}", f"Date: {format_datetime(datetime.now(UTC))}",
                 f"Message-ID: {make_msgid(domain='example.org')}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()
        return self.deliver(raw)

    def deliver(self, raw: bytes) -> Outcome:
        return process(self.app.db(), raw, "test", processing(self.app))

    def reply(self, mail: ReceivedMail, body: str, sender: str | None = None) -> Outcome:
        """Answer *mail* as a mail client does: to its Reply-To, In-Reply-To its id."""
        msg = mail.message
        to = msg["Reply-To"] or msg["From"]
        return self.write("Re: " + str(msg["Subject"]), body, to=str(to),
                          headers={"In-Reply-To": str(msg["Message-ID"]),
                                   "References": str(msg["Message-ID"])}, sender=sender)

    def flush(self) -> None:
        mailing.outbox_deliverer(self.app).flush()

    def inbox(self, expected: int) -> list[ReceivedMail]:
        """The mails that reached SMTP since the last look: exactly *expected* of them."""
        self.flush()
        got = self.smtp.sent_messages(self.seen + expected)[self.seen:]
        self.seen += expected
        return got


def to_of(mail: ReceivedMail) -> str:
    return mail.rcpt_tos[0]


def test_signup_confirm_welcome(deployed: App, smtp_server: SmtpServer) -> None:
    # signup -> confirmation -> reply -> active in the right hub -> welcome and secretary notice
    ann = Thread(deployed, smtp_server, "ann.lee@example.org", "Ann Lee")
    out = ann.write("Joining", "Hi, I'd like to join please. My postcode is L8 1AB.\n\nAnn Lee")
    assert out.intent == "join" and out.folder == "processed"
    (confirm,) = ann.inbox(1)
    assert to_of(confirm) == ann.email
    assert "Please confirm" in str(confirm.message["Subject"])
    assert str(confirm.message["Auto-Submitted"]) == "auto-replied"
    assert "+confirm-" in str(confirm.message["Reply-To"])
    m = members.find(deployed.db(), ann.email)
    assert m is not None and m.state == "pending"
    out = ann.reply(confirm, "Yes, I agree with all twelve principles.")
    assert out.intent == "commit", out
    m = members.find(deployed.db(), ann.email)
    assert m is not None and m.state == "active"
    welcome, notice = sorted(ann.inbox(2), key=lambda r: to_of(r) != ann.email)
    assert to_of(welcome) == ann.email and "Liverpool South" in str(welcome.message["Subject"])
    assert to_of(notice) == "members.liverpool-south@example.org"
    assert ann.email in notice.data.decode()


def test_signup_without_postcode_then_postcode_then_confirm(deployed: App,
                                                            smtp_server: SmtpServer) -> None:
    # no postcode -> asked for it -> reply with it -> confirmation -> confirmed in Manchester
    bob = Thread(deployed, smtp_server, "bob.k@example.org", "Bob Khan")
    bob.write("join", "please add me to the network\n\nBob")
    (ask,) = bob.inbox(1)
    assert "postcode" in str(ask.message["Subject"]).lower()
    bob.reply(ask, "Sorry! It's M14 5RT")
    (confirm,) = bob.inbox(1)
    assert "Please confirm" in str(confirm.message["Subject"])
    assert "M14 5RT" in confirm.data.decode()
    bob.reply(confirm, "yes")
    m = members.find(deployed.db(), bob.email)
    assert m is not None and m.state == "active" and m.postcode == "M14 5RT"
    assert "manchester" in (m.route_rule or "").lower() or m.hub_id is not None


def test_forged_confirmation_from_another_address(deployed: App, smtp_server: SmtpServer) -> None:
    # someone else replying to Ann's confirmation (token address and all) changes nothing
    ann = Thread(deployed, smtp_server, "ann.lee@example.org", "Ann Lee")
    ann.write("Joining", "I want to join, postcode L8 1AB\n\nAnn")
    (confirm,) = ann.inbox(1)
    out = ann.reply(confirm, "yes I agree", sender="mallory@example.net")
    assert members.find(deployed.db(), ann.email).state == "pending"  # type: ignore[union-attr]
    assert members.find(deployed.db(), "mallory@example.net") is None \
        or members.find(deployed.db(), "mallory@example.net").state != "active"  # type: ignore[union-attr]
    assert out.folder in ("review", "processed")


def test_out_of_office_reply_to_confirmation_gets_no_answer(deployed: App,
                                                            smtp_server: SmtpServer) -> None:
    # an auto-reply to our confirmation is recorded and never answered
    ann = Thread(deployed, smtp_server, "ann.lee@example.org", "Ann Lee")
    ann.write("Joining", "I want to join, postcode L8 1AB\n\nAnn")
    (confirm,) = ann.inbox(1)
    msg = confirm.message
    out = ann.write("Automatic reply: " + str(msg["Subject"]),
                    "I am out of the office until Monday with limited access to email.",
                    to=str(msg["Reply-To"]),
                    headers={"Auto-Submitted": "auto-replied",
                             "In-Reply-To": str(msg["Message-ID"])})
    assert out.intent == "auto_reply" and out.replies == 0
    ann.flush()
    assert len(smtp_server.messages) == 1
    assert members.find(deployed.db(), ann.email).state == "pending"  # type: ignore[union-attr]


def test_same_message_twice_has_one_effect(deployed: App, smtp_server: SmtpServer) -> None:
    # the same bytes delivered twice: one member, one confirmation
    ann = Thread(deployed, smtp_server, "ann.lee@example.org", "Ann Lee")
    raw = (b"From: Ann Lee <ann.lee@example.org>\r\nTo: " + NETWORK.encode()
           + b"\r\nSubject: join\r\nMessage-ID: <once@example.org>\r\n\r\n"
           b"Please sign me up, L8 1AB\r\n")
    first = ann.deliver(raw)
    again = ann.deliver(raw)
    assert not first.duplicate and again.duplicate
    ann.inbox(1)
    assert deployed.db()["members"].count == 1


def test_leave_status_help_move(deployed: App, smtp_server: SmtpServer) -> None:
    # a member moves, asks what we hold, asks for help, then leaves: each answered once
    ann = Thread(deployed, smtp_server, "ann.lee@example.org", "Ann Lee")
    ann.write("Joining", "I want to join, postcode L8 1AB\n\nAnn")
    (confirm,) = ann.inbox(1)
    ann.reply(confirm, "Yes")
    ann.inbox(2)
    out = ann.write("New address", "Hi, I've moved house. My new postcode is M20 6GH.\n\nAnn")
    assert out.intent == "move", out
    moved = ann.inbox(3)  # the member, and both hubs' secretaries
    assert {to_of(m) for m in moved} == {ann.email, "members.liverpool-south@example.org",
                                         "members.manchester@example.org"}
    out = ann.write("My data", "What information do you hold about me?\n\nAnn")
    assert out.intent == "status", out
    (status,) = ann.inbox(1)
    assert "M20 6GH" in status.data.decode()
    out = ann.write("Question", "How do I find out when my local hub meets?\n\nAnn")
    assert out.intent == "help", out
    ann.inbox(1)
    out = ann.write("Unsubscribe", "Please take me off your list, I no longer want to be a "
                                   "member.\n\nAnn")
    assert out.intent == "leave", out
    (left,) = ann.inbox(1)
    assert "left" in str(left.message["Subject"]).lower()
    assert members.find(deployed.db(), ann.email).state == "left"  # type: ignore[union-attr]


def test_erase_leaves_no_trace_in_the_file(deployed: App, smtp_server: SmtpServer) -> None:
    # erase: a token mail first; after the reply, name, address and postcode leave the file
    ann = Thread(deployed, smtp_server, "zebedee.quixote@example.org", "Zebedee Quixote")
    ann.write("Joining", "I want to join, postcode L17 2DE\n\nZebedee Quixote")
    (confirm,) = ann.inbox(1)
    ann.reply(confirm, "Yes")
    ann.inbox(2)
    out = ann.write("Delete my data", "Please delete all my data from your records under "
                                      "GDPR.\n\nZebedee Quixote")
    assert out.intent == "erase", out
    (ask,) = ann.inbox(1)
    assert "+erase-" in str(ask.message["Reply-To"])
    out = ann.reply(ask, "Yes, delete it")
    assert out.action == "personal data erased", out
    (last,) = ann.inbox(1)
    assert "deleted" in str(last.message["Subject"])
    from lists import erasure
    from lists.store import transaction
    db = deployed.db()
    with transaction(db):
        erasure.scrub_sent(db)
    erasure.checkpoint(db)
    data = Path(deployed.settings.store.path).read_bytes()
    for secret in (b"zebedee.quixote@example.org", b"Zebedee", b"Quixote", b"L17 2DE"):
        assert secret not in data, secret


def test_one_sender_signing_up_many_people_goes_to_review(deployed: App,
                                                          smtp_server: SmtpServer) -> None:
    # a sender's mail may make a few signups for other people a day; the rest wait for review
    eve = Thread(deployed, smtp_server, "eve@example.org", "Eve Stone")
    outcomes = [eve.write("Sign up my friend", f"Hello, please sign up my friend Sam Reed{i} "
                          f"(sam.reed{i}@example.org), postcode L8 1AB. Thanks, Eve")
                for i in range(5)]
    assert [o.intent for o in outcomes] == ["join"] * 5, outcomes
    created = [o for o in outcomes if o.action.startswith("pending member created")]
    assert len(created) == deployed.settings.limits.signups_per_sender_per_day
    assert [o.folder for o in outcomes[len(created):]] == ["review"] * (5 - len(created))
