"""Helpers for the mailer's tests: members in the store, a mailer wired to a test relay, a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import sqlite_utils

from lists.clock import iso
from mailer.compose import Composer
from mailer.config import Identity, RelayConfig
from mailer.deliver import OutboxDeliverer
from mailer.render import Renderer
from tests.servers import ReceivedMail, SmtpServer

KEY = b"test-secret-key"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def identity(**kw: Any) -> Identity:
    base: dict[str, Any] = dict(name="For the Many", address="network@example.org", key=KEY,
                                base_url="https://ftm.example.org",
                                message_id_domain="ftm.test", help_contact="help@example.org")
    base.update(kw)
    return Identity(**base)


def relay(server: SmtpServer, **kw: Any) -> RelayConfig:
    base: dict[str, Any] = dict(host=server.host, port=server.port, security="none", rate=1e9,
                                concurrency=2, daily_quota=100_000, timeout=5, helo="ftm.test")
    base.update(kw)
    return RelayConfig(**base)


def composer(verp: bool = True, site_dir: str | None = None, **kw: Any) -> Composer:
    return Composer(identity(**kw), Renderer(site_dir), verp=verp)


def deliverer(db: sqlite_utils.Database, server: SmtpServer, clock: Clock | None = None,
              verp: bool = True, **relay_kw: Any) -> OutboxDeliverer:
    return OutboxDeliverer(db, relay(server, **relay_kw), composer(verp), clock or Clock())


def add_hub(db: sqlite_utils.Database, slug: str, name: str, region: str | None = None) -> int:
    now = iso(START)
    cur = db.execute("INSERT INTO hubs (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     [slug, name, now, now])
    hub_id = int(cur.lastrowid or 0)
    if region:
        db.execute("INSERT INTO hub_coverage (hub_id, level, value) VALUES (?, 'region', ?)",
                   [hub_id, region])
    db.conn.commit()
    return hub_id


def add_members(db: sqlite_utils.Database, count: int, hub_id: int | None = None,
                prefix: str = "m", state: str = "active", named: bool = True) -> list[str]:
    """*count* members ``{prefix}{i}@example.org``; every third has no name when *named*."""
    now = iso(START)
    rows = []
    for i in range(count):
        name = (f"Member {prefix}{i}" if i % 3 else None) if named else None
        rows.append((f"{prefix}{i}@example.org", name, state, hub_id, now, now))
    db.conn.executemany("INSERT INTO members (email, name, state, hub_id, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.conn.commit()
    return [r[0] for r in rows]


def parsed(m: ReceivedMail) -> EmailMessage:
    msg = message_from_bytes(m.data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> tuple[str, str | None]:
    """(text, html) of a message; checks each part decodes without defects."""
    text_part = msg.get_body(("plain",))
    assert text_part is not None
    html_part = msg.get_body(("html",))
    text = text_part.get_content()
    html = html_part.get_content() if html_part is not None else None
    assert not msg.defects and not text_part.defects
    return text, html
