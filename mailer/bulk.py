"""Delivering a bulk send: stream its deliveries through the template and onto the wire.

``create_send()`` resolves the audience into delivery rows (``lists.sends``);
``BulkSender.run()`` then claims deliveries a chunk at a time (reserving quota and
issuing each recipient's unsubscribe token in the same transaction), fills the
send's ``Skeleton`` for each one, and hands the bytes to the delivery ``Engine``.
Memory stays flat: only a few chunks are ever in flight. A restart (``run()``
again, by any process) continues with what is still queued; deliveries a dead
runner had claimed are queued again.

Bulletins, digests and ``ftm send`` all use this API::

    send_id = create_send(db, NewSend("bulletin", "network/bulletin", subject, body,
                                      "all", "steering@..."), now)
    report = BulkSender(db, relay, composer, send_id).run()

A send whose context has ``ics`` carries that event's invitation (``mailer.ics``).
The daemon gives a run a *deadline* and a *should_stop* check, so one long send
never holds up the other jobs and a SIGTERM stops it between chunks.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists import relays, sends, tokens
from lists.clock import iso, utcnow
from lists.outbox import Result
from lists.sends import NewSend, SendRow, Summary
from lists.store import transaction
from mailer.compose import Composer, Hub
from mailer.config import RelayConfig
from mailer.deliver import UNSUB_TTL
from mailer.engine import Engine, Job, RunReport, chunk_size
from mailer.ics import attachments_for
from mailer.personalise import Skeleton
from mailer.render import Rendered, variables
from mailer.throttle import RetryPolicy

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=10)   # how often a running send says it is alive (stale: 5 min)


def create_send(db: sqlite_utils.Database, new: NewSend, now: datetime) -> int:
    """Create a send and its deliveries in one transaction; return the send's id."""
    with transaction(db):
        return sends.create(db, new, now)


def runner_id() -> str:
    """This process, as a send's runner: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def runner_alive(runner: str) -> bool:
    """False only when the runner was a process on this host that is gone."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_skeleton(c: Composer, kind: str, template: str, subject: str, body: str,
                  context: Mapping[str, Any], hub: Hub | None) -> Skeleton:
    """A send's template ready to fill per recipient; raises TemplateError when it is broken."""
    full: dict[str, Any] = {**context, "subject": subject, "body": body}

    def render(personal: Mapping[str, str]) -> Rendered:
        return c.renderer.render(template, variables(
            network=c.network_vars(), kind=kind, recipient_addr=personal["address"],
            recipient_name=personal["name"], unsub_mailto=personal["mailto"],
            unsub_url=personal["url"], context=full,
            hub={"slug": hub.slug, "name": hub.name} if hub else None),
            hub.slug if hub else None)

    sk = Skeleton(render, has_url=bool(c.identity.base_url))
    sk.fill("A Name", "someone@example.org", *c.unsubscribe("x" * 24))  # fail early
    return sk


@dataclass(frozen=True, slots=True)
class BulkReport:
    """A run of a send: what this run did, where the whole send stands, and what was requeued."""

    run: RunReport
    summary: Summary
    requeued: int


class BulkSender:
    """Delivers one send (see the module docstring)."""

    def __init__(self, db: sqlite_utils.Database, relay: RelayConfig, composer: Composer,
                 send_id: int, clock: Callable[[], datetime] = utcnow,
                 policy: RetryPolicy | None = None, rng: random.Random | None = None,
                 progress: Callable[[RunReport], None] | None = None,
                 runner: str | None = None, deadline: datetime | None = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.db = db
        self.relay = relay
        self.composer = composer
        self.send_id = send_id
        self.clock = clock
        self.policy = policy
        self.rng = rng
        self.progress = progress
        self.runner = runner or runner_id()
        self.deadline = deadline          # claim nothing new after this (the daemon's budget)
        self.should_stop = should_stop    # True when the daemon is stopping (SIGTERM)
        self._beat: datetime | None = None

    def hub(self, send: SendRow) -> Hub | None:
        if send.hub_id is None:
            return None
        row = self.db.execute("SELECT id, slug, name FROM hubs WHERE id = ?",
                              [send.hub_id]).fetchone()
        return Hub(row[0], row[1], row[2]) if row else None

    def skeleton(self, send: SendRow) -> Skeleton:
        """The send's template, ready to fill per recipient (raises TemplateError if broken)."""
        return make_skeleton(self.composer, send.kind, send.template, send.subject, send.body,
                             send.context, self.hub(send))

    def preview(self, to_addr: str, to_name: str | None = None) -> Rendered:
        """What one recipient would get (for --dry-run and --preview-to)."""
        send = sends.get(self.db, self.send_id)
        return self.skeleton(send).render(to_name or "", to_addr,
                                          *self.composer.unsubscribe("PREVIEW-TOKEN-NOT-VALID"))

    def run(self) -> BulkReport:
        """Deliver what is due now; return when it is all done, or the quota or relay stop us."""
        return asyncio.run(self.run_async())

    async def run_async(self) -> BulkReport:
        send = sends.get(self.db, self.send_id)
        skeleton = self.skeleton(send)   # a broken template stops here, before any claim
        with transaction(self.db):
            requeued = sends.acquire(self.db, self.send_id, self.runner, self.clock(),
                                     runner_alive)
        if requeued:
            log.info("send %d: %d delivery(ies) claimed by a stopped run queued again",
                     self.send_id, requeued)
        engine = Engine(self.db, self.relay, self._commit, self.clock, self.policy, self.rng,
                        self.progress)
        # a bulk run writes many small transactions: checkpoint the WAL less often (each
        # page is then copied once per checkpoint, not once per few commits) and cache more
        old = [self.db.execute(f"PRAGMA {p}").fetchone()[0]
               for p in ("wal_autocheckpoint", "cache_size")]
        self.db.execute("PRAGMA wal_autocheckpoint = 20000")
        self.db.execute("PRAGMA cache_size = -32768")
        try:
            report = await engine.run(lambda e: self._produce(e, send, skeleton))
        finally:
            with transaction(self.db):
                sends.release(self.db, self.send_id, self.runner, self.clock())
            self.db.execute(f"PRAGMA wal_autocheckpoint = {int(old[0])}")
            self.db.execute(f"PRAGMA cache_size = {int(old[1])}")
        return BulkReport(report, sends.summary(self.db, self.send_id), requeued)

    def _commit(self, results: list[Result], now: datetime) -> None:
        beat = self._beat is None or now - self._beat >= HEARTBEAT
        with transaction(self.db):
            sends.record(self.db, self.send_id, results, now, heartbeat=beat)
        if beat:
            self._beat = now

    async def _produce(self, engine: Engine, send: SendRow, skeleton: Skeleton) -> None:
        hub = self.hub(send)
        c = self.composer
        relay = self.relay
        chunk = chunk_size(relay)
        attachments = attachments_for(send.context)   # the same file for everyone
        while not engine.stop.is_set():
            now = self.clock()
            if (self.deadline is not None and now >= self.deadline) or (
                    self.should_stop is not None and self.should_stop()):
                return
            with transaction(self.db):
                room = relays.available(self.db, relay.name, relay.daily_quota, now)
                rows = sends.claim(self.db, self.send_id, now, min(chunk, room))
                relays.reserve(self.db, relay.name, len(rows), now)
                toks = tokens.issue_many(self.db, "unsub",
                                         [(r.to_addr, r.member_id) for r in rows], now, UNSUB_TTL)
            if not rows:
                if room == 0 and self._due(now):
                    engine.report.deferred_by_quota = True
                    engine.report.quota_next_at = relays.next_allowed_at(
                        self.db, relay.name, relay.daily_quota, now)
                return
            for row, tok in zip(rows, toks, strict=True):
                mailto, url = c.unsubscribe(tok)
                words = skeleton.fill(row.to_name or "", row.to_addr, mailto, url)
                env, message_id = c.envelope(ref="d", row_id=row.id, kind=send.kind,
                                             to_addr=row.to_addr, to_name=row.to_name,
                                             words=words, token=tok, hub=hub, now=now,
                                             attachments=attachments)
                job = Job(row.id, row.attempts, env, message_id, now)
                if not await engine.put(job):
                    engine.give_back([job], engine.report.stopped or "not sent",
                                     engine.report.paused_until)

    def _due(self, now: datetime) -> bool:
        return bool(self.db.execute(
            "SELECT 1 FROM deliveries WHERE send_id = ? AND state = 'queued' "
            "AND next_attempt_at <= ? LIMIT 1", [self.send_id, iso(now)]).fetchone())
