"""Helpers for the hub-list tests: a deployment with officers and members, people who write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from ftm import mailing
from ftm.app import App
from ftm.sending import run_sends
from ftm.wiring import policy as rules
from ftm.wiring import processing
from inbox.outcome import Outcome
from inbox.process import process
from lists.clock import iso
from lists.hubs import load_hubs
from lists.hubsync import sync_hubs
from tests.conftest import write_deployment
from tests.servers import ReceivedMail, SmtpServer

NETWORK = "forthemany.network@gmail.com"
AUTHSERV = "mx.ftm.test"
CHAIR = "chair.liverpool-south@example.org"   # a contact in the example hubs file
HUB = "liverpool-south"
HUB_ADDRESS = f"forthemany.network+hub-{HUB}@gmail.com"
BULLETIN_ADDRESS = "forthemany.network+bulletin@gmail.com"
STEERING = "sam.steering@example.org"


def deploy(folder: Path, smtp: SmtpServer, **sections: dict[str, object]) -> App:
    """A deployment whose relay is *smtp*, trusting AUTHSERV's DKIM results, hubs loaded."""
    merged: dict[str, dict[str, object]] = {"smtp": {"port": smtp.port},
                                            "auth": {"authserv_id": AUTHSERV}}
    for k, v in sections.items():
        merged.setdefault(k, {}).update(v)
    app = App(str(write_deployment(folder, **merged)))
    sync_hubs(app.db(), load_hubs(app.settings.paths.hubs_file),
              datetime.now(UTC) - timedelta(days=1), apply=True, notify=False)
    return app


def add_member(app: App, email: str, name: str | None = None, hub: str | None = HUB,
               delivery: str = "each") -> int:
    db = app.db()
    now = iso(datetime.now(UTC))
    hub_id = db.execute("SELECT id FROM hubs WHERE slug = ?", [hub]).fetchone()[0] if hub else None
    cur = db.execute("INSERT INTO members (email, name, state, hub_id, delivery, created_at, "
                     "updated_at, postcode) VALUES (?, ?, 'active', ?, ?, ?, ?, 'L8 1AB')",
                     [email, name, hub_id, delivery, now, now])
    db.conn.commit()
    return int(cur.lastrowid or 0)


EVENT = ("Date: Sunday 31 October 2027\nTime: 7pm to 9pm\n"
         "Where: Quaker Meeting House, 22 School Lane, L1 3BT\n\n"
         "Our autumn meeting: the campaign plan for the winter. All welcome.\n")


def hub_network(folder: Path, smtp: SmtpServer) -> Network:
    """A deployment with Ann and Bo (each message) and Dee (digest) in Liverpool South, and
    Mo in Manchester."""
    app = deploy(folder, smtp)
    add_member(app, "ann@example.org", "Ann Lee")
    add_member(app, "bo@example.org", "Bo Khan")
    add_member(app, "dee@example.org", "Dee Digest", delivery="digest")
    add_member(app, "mo@example.org", "Mo Manc", hub="manchester")
    return Network(app, smtp)


def dkim_pass(email: str, authserv: str = AUTHSERV) -> dict[str, str]:
    """An Authentication-Results header saying *email*'s domain signed the mail."""
    return {"Authentication-Results": f"{authserv}; dkim=pass header.d="
                                      f"{email.rpartition('@')[2]} header.s=s1"}


def raw_mail(sender: str, to: str, subject: str, body: str,
             headers: dict[str, str] | None = None, name: str = "") -> bytes:
    lines = [f"From: {name} <{sender}>" if name else f"From: {sender}", f"To: {to}",
             f"Subject: {subject}", f"Date: {format_datetime(datetime.now(UTC))}",
             f"Message-ID: {make_msgid(domain='example.org')}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def reply_to(mail: ReceivedMail, sender: str, body: str,
             headers: dict[str, str] | None = None) -> bytes:
    """Answer *mail* as a mail client does: to its Reply-To, In-Reply-To its Message-ID."""
    msg = mail.message
    to = str(msg["Reply-To"] or msg["From"])
    return raw_mail(sender, to, "Re: " + str(msg["Subject"]), body,
                    {"In-Reply-To": str(msg["Message-ID"]), "References": str(msg["Message-ID"]),
                     **(headers or {})})


class Network:
    """The deployment as people see it: mail goes in, the replies and list mail come out."""

    def __init__(self, app: App, smtp: SmtpServer) -> None:
        self.app, self.smtp = app, smtp
        self.seen = 0

    def deliver(self, raw: bytes) -> Outcome:
        return process(self.app.db(), raw, "test", processing(self.app))

    def write(self, sender: str, to: str, subject: str, body: str,
              headers: dict[str, str] | None = None) -> Outcome:
        return self.deliver(raw_mail(sender, to, subject, body, headers))

    def send_everything(self) -> None:
        """What the daemon's jobs do: run the bulk sends, then the outbox."""
        app = self.app
        run_sends(app.db(), mailing.relay_config(app.settings), mailing.composer(app),
                  rules(app), timedelta(seconds=30))
        mailing.outbox_deliverer(app).flush()

    def mail(self, expected: int) -> list[ReceivedMail]:
        """Exactly *expected* new messages reached SMTP since the last look."""
        self.send_everything()
        got = self.smtp.sent_messages(self.seen + expected)[self.seen:]
        self.seen += expected
        return got

    def mail_to(self, expected: int) -> dict[str, list[ReceivedMail]]:
        out: dict[str, list[ReceivedMail]] = {}
        for m in self.mail(expected):
            out.setdefault(m.rcpt_tos[0], []).append(m)
        return out

    def nothing_more(self) -> None:
        self.send_everything()
        assert len(self.smtp.messages) == self.seen, [
            (m.rcpt_tos, m.message["Subject"]) for m in self.smtp.messages[self.seen:]]


def text_of(mail: ReceivedMail) -> str:
    msg = message_from_bytes(mail.data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def attachment(mail: ReceivedMail, content_type: str = "text/calendar") -> bytes | None:
    msg = message_from_bytes(mail.data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    for part in msg.iter_attachments():
        if part.get_content_type() == content_type:
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            return data
    return None
