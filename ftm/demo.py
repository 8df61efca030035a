"""``ftm demo``: a throwaway deployment on embedded servers, driven by the real daemon code.

A private Dovecot holds the network's mailbox when Dovecot is installed (else mail
comes in through ftm's own SMTP receiver); an SMTP sink stands in for the relay and
keeps every message ftm sends as an ``.eml`` file. The mailbox is seeded with a
realistic mix (signups in many styles, a leave, a help request, an out-of-office,
a bounce, something for a person to review); the daemon drains it exactly as
``ftm run --once`` does; the people then answer the mail they got, as members would,
and the daemon drains again, until nobody has anything left to answer.
"""

from __future__ import annotations

import os
import random
import smtplib
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.utils import parseaddr
from importlib import resources
from pathlib import Path
from typing import Any

from ftm import mailmix
from ftm.app import App
from ftm.daemon import assemble, build_processor, receiver_config, serialized
from ftm.embedded import DOVECOT, Dovecot, EmlSink, free_port
from ftm.starter import starter_config
from inbox.outcome import Processor
from inbox.receive import Receiver
from lists.hubs import load_hubs
from lists.hubsync import sync_hubs

MAILBOX_USER, MAILBOX_PASSWORD = "network", "demo-password"  # noqa: S105 - throwaway server
ROUNDS = 6  # signup, postcode, confirmation, ... each round answers the last one's mail


@dataclass
class DemoReport:
    folder: Path
    inbound_path: str
    seeded: int
    answers: int
    rounds: int
    members_by_hub: list[tuple[str, str, int]] = field(default_factory=list)
    intents: Counter[str] = field(default_factory=Counter)
    folders: Counter[str] = field(default_factory=Counter)
    sent_by_template: Counter[str] = field(default_factory=Counter)
    reviews: list[tuple[str, str]] = field(default_factory=list)
    sent_files: int = 0


class Mailbox:
    """Where the demo's people write to: the private Dovecot, or ftm's SMTP receiver."""

    def __init__(self, folder: Path, address: str, use_imap: bool) -> None:
        self.address = address
        self.dovecot: Dovecot | None = None
        self.receiver: Receiver | None = None
        self.receiver_port = 0
        if use_imap:
            self.dovecot = Dovecot(users={MAILBOX_USER: MAILBOX_PASSWORD}).start()
        else:
            self.receiver_port = free_port()
        del folder

    @property
    def path(self) -> str:
        return "IMAP (a private Dovecot)" if self.dovecot else "SMTP (ftm's LMTP/SMTP receiver)"

    def settings(self) -> dict[str, dict[str, Any]]:
        if self.dovecot:
            return {"imap": {"enabled": True, "host": "127.0.0.1", "port": self.dovecot.port,
                             "security": "none", "username": MAILBOX_USER, "idle": False}}
        return {"receiver": {"enabled": True, "host": "127.0.0.1", "port": self.receiver_port,
                             "protocol": "smtp"}}

    def start_receiving(self, app: App, processor: Processor) -> None:
        if self.dovecot is None:
            self.receiver = Receiver(receiver_config(app.settings), processor)
            self.receiver.start()

    def put(self, raw: bytes) -> None:
        """One message into the network's mailbox (as the world would deliver it)."""
        if self.dovecot is not None:
            self.dovecot.append(raw, user=MAILBOX_USER)
            return
        with smtplib.SMTP("127.0.0.1", self.receiver_port, timeout=30) as s:
            sender = parseaddr(str(message_from_bytes(raw)["From"] or ""))[1]
            s.sendmail(sender or "<>", [self.address], raw)

    def stop(self) -> None:
        if self.receiver is not None:
            self.receiver.stop()
        if self.dovecot is not None:
            self.dovecot.cleanup()


def write_deployment(folder: Path, sink_port: int, extra: dict[str, dict[str, Any]]) -> Path:
    data = resources.files("lists") / "data"
    (folder / "principles.md").write_text((data / "principles.md").read_text(encoding="utf-8"))
    (folder / "hubs.toml").write_text((data / "hubs.example.toml").read_text(encoding="utf-8"))
    overrides: dict[str, dict[str, Any]] = {
        "store": {"path": "ftm.db"},
        "smtp": {"host": "127.0.0.1", "port": sink_port, "security": "none", "rate": 500.0,
                 "concurrency": 4, "daily_quota": 100_000, "timeout": 10.0},
        **extra,
    }
    config = folder / "ftm.toml"
    config.write_text(starter_config(overrides), encoding="utf-8")
    return config


def run_demo(folder: Path | None = None, n: int = 40, use_imap: bool | None = None,
             seed: int = 7, say: Any = print) -> DemoReport:
    """Run the demo in *folder* (a new temporary one by default) and report what happened."""
    folder = folder or Path(tempfile.mkdtemp(prefix="ftm-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    if use_imap is None:
        use_imap = Path(DOVECOT).exists()
    sink = EmlSink(folder / "sent").start()
    os.environ["FTM_IMAP_PASSWORD"] = MAILBOX_PASSWORD
    app: App | None = None
    network = "forthemany.network@gmail.com"
    mailbox = Mailbox(folder, network, use_imap)
    try:
        app = App(str(write_deployment(folder, sink.port, mailbox.settings())))
        network = app.settings.network.address
        db = app.db()
        sync_hubs(db, load_hubs(app.settings.paths.hubs_file), datetime.now(UTC), apply=True,
                  notify=False)
        processor = serialized(build_processor(app))
        mailbox.start_receiving(app, processor)
        say(f"demo deployment in {folder}; mail comes in by {mailbox.path}")
        people: dict[str, mailmix.Person] = {}
        for _label, person, raw in mailmix.mix(n, network, seed=seed):
            people[person.email.lower()] = person
            mailbox.put(raw)
        say(f"seeded the mailbox with {n} messages; running the daemon")
        rng = random.Random(seed)
        answered = 0
        seen = 0
        rounds = 0
        for rounds in range(1, ROUNDS + 1):  # noqa: B007 - reported
            assemble(app, processor).drain()
            new = sink.messages[seen:]
            seen = len(sink.messages)
            replies = answers(new, people, rng)
            say(f"round {rounds}: ftm sent {len(new)} mail(s); people answer {len(replies)}")
            for raw in replies:
                mailbox.put(raw)
            answered += len(replies)
            if not replies:
                break
        return summarise(app, folder, mailbox.path, n, answered, rounds, len(sink.messages))
    finally:
        mailbox.stop()
        sink.stop()
        if app is not None:
            app.close()


def answers(sent: list[tuple[list[str], bytes]], people: dict[str, mailmix.Person],
            rng: random.Random) -> list[bytes]:
    """What the people do with the mail ftm sent them, as members would."""
    out: list[bytes] = []
    now = datetime.now(UTC)
    for rcpts, raw in sent:
        person = people.get(rcpts[0].lower()) if rcpts else None
        if person is None:
            continue  # officers' notices: read, not answered
        subject = str(message_from_bytes(raw)["Subject"] or "")
        if subject.startswith("Please confirm"):
            roll = rng.random()
            if roll < 0.08:
                continue  # never answers: stays pending, gets a reminder in a week
            if roll < 0.14:
                out.append(mailmix.out_of_office(person, _reply_to(raw), now,
                                                 str(message_from_bytes(raw)["Message-ID"])))
                continue
            out.append(mailmix.confirm_reply(raw, person, rng, now))
        elif "postcode" in subject.lower():
            out.append(mailmix.postcode_reply(raw, person, rng.choice(mailmix.POSTCODES), now))
    return out


def _reply_to(raw: bytes) -> str:
    msg = message_from_bytes(raw)
    return str(msg["Reply-To"] or msg["From"])


def summarise(app: App, folder: Path, path: str, seeded: int, answered: int, rounds: int,
              sent_files: int) -> DemoReport:
    """The report, read back from the store (so it says what the database holds)."""
    db = app.db()
    r = DemoReport(folder, path, seeded, answered, rounds, sent_files=sent_files)
    r.members_by_hub = [(row[0] or "(no hub yet)", row[1], row[2]) for row in db.execute(
        "SELECT h.name, m.state, count(*) FROM members m LEFT JOIN hubs h ON h.id = m.hub_id "
        "GROUP BY h.name, m.state ORDER BY m.state, h.name")]
    r.intents = Counter({row[0]: row[1] for row in db.execute(
        "SELECT intent, count(*) FROM inbound_messages GROUP BY intent")})
    r.folders = Counter({row[0]: row[1] for row in db.execute(
        "SELECT folder, count(*) FROM inbound_messages GROUP BY folder")})
    r.sent_by_template = Counter({row[0]: row[1] for row in db.execute(
        "SELECT template, count(*) FROM outbox WHERE state = 'sent' GROUP BY template")})
    r.reviews = [(row[0] or "(no sender)", row[1]) for row in db.execute(
        "SELECT m.from_addr, r.reason FROM review_items r "
        "JOIN inbound_messages m ON m.id = r.inbound_id ORDER BY r.id")]
    return r
