"""Delivering the outbox: due rows claimed with their quota, rendered, handed to the engine.

``OutboxDeliverer.flush`` is what ``ftm outbox flush`` and the daemon call. Rows are
claimed (with a lease) and their quota reserved in one transaction, a chunk at a
time; a row whose template will not render fails at once and its quota is given
back. Sending, retries and recording are the ``mailer.engine`` run's.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from lists import outbox, relays, tokens
from lists.clock import utcnow
from lists.outbox import OutboxRow, Result
from lists.store import transaction
from mailer.compose import Composer, Hub, wants_token
from mailer.config import RelayConfig
from mailer.engine import Engine, Job, RunReport, chunk_size
from mailer.ics import attachments_for
from mailer.mime import encode
from mailer.render import TemplateError
from mailer.throttle import RetryPolicy

log = logging.getLogger(__name__)

UNSUB_TTL = timedelta(days=90)


class OutboxDeliverer:
    """Delivers due outbox rows: what ``ftm outbox flush`` and the daemon call."""

    def __init__(self, db: sqlite_utils.Database, relay: RelayConfig, composer: Composer,
                 clock: Callable[[], datetime] = utcnow, policy: RetryPolicy | None = None,
                 rng: random.Random | None = None) -> None:
        self.db = db
        self.relay = relay
        self.composer = composer
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.rng = rng
        self._hubs: dict[int, Hub] = {}

    def flush(self, ids: list[int] | None = None,
              deadline: datetime | None = None) -> RunReport:
        """Deliver every row due now (or only *ids*) and return what happened.

        With *deadline*, no new rows are claimed after it (what is claimed is sent).
        """
        return asyncio.run(self.flush_async(ids, deadline))

    async def flush_async(self, ids: list[int] | None = None,
                          deadline: datetime | None = None) -> RunReport:
        engine = Engine(self.db, self.relay, self._commit, self.clock, self.policy, self.rng)
        return await engine.run(lambda e: self._produce(e, ids, deadline))

    def _commit(self, results: list[Result], now: datetime) -> None:
        with transaction(self.db):
            outbox.record(self.db, results, now)

    def hub(self, hub_id: int | None) -> Hub | None:
        if hub_id is None:
            return None
        if hub_id not in self._hubs:
            row = self.db.execute("SELECT id, slug, name FROM hubs WHERE id = ?",
                                  [hub_id]).fetchone()
            if row is None:
                return None
            self._hubs[hub_id] = Hub(row[0], row[1], row[2])
        return self._hubs[hub_id]

    async def _produce(self, engine: Engine, ids: list[int] | None,
                       deadline: datetime | None = None) -> None:
        lease = timedelta(seconds=max(300.0, self.relay.timeout * 4))
        while not engine.stop.is_set():
            now = self.clock()
            if deadline is not None and now >= deadline:
                return
            with transaction(self.db):
                room = relays.available(self.db, self.relay.name, self.relay.daily_quota, now)
                rows = outbox.claim_due(self.db, now, min(chunk_size(self.relay), room),
                                        lease, ids)
                relays.reserve(self.db, self.relay.name, len(rows), now)
                toks = {r.id: tokens.issue(self.db, "unsub", r.to_addr, now, UNSUB_TTL,
                                           member_id=r.member_id)
                        for r in rows if wants_token(r.kind, r.member_id)}
            if not rows:
                if room == 0 and outbox.due_count(self.db, now):
                    engine.report.deferred_by_quota = True
                    engine.report.quota_next_at = relays.next_allowed_at(
                        self.db, self.relay.name, self.relay.daily_quota, now)
                return
            broken: list[Result] = []
            for row in rows:
                try:
                    job = self.job(row, toks.get(row.id), now)
                except (TemplateError, ValueError) as e:
                    log.error("outbox %d: cannot render %s: %s", row.id, row.template, e)
                    broken.append(Result(row.id, "failed", f"cannot render: {e}"[:500]))
                    continue
                if not await engine.put(job):
                    engine.give_back([job], engine.report.stopped or "not sent",
                                     engine.report.paused_until)
            if broken:
                with transaction(self.db):
                    relays.refund(self.db, self.relay.name, len(broken), now)
                engine.record_now(broken)

    def job(self, row: OutboxRow, token: str | None, now: datetime) -> Job:
        """Render one outbox row into a job (raises TemplateError for a broken template)."""
        hub = self.hub(row.hub_id)
        c = self.composer
        r = c.renderer.render(row.template, c.variables(
            row.kind, row.to_addr, row.to_name, token, row.context, hub),
            hub.slug if hub else None)
        words = encode(r.subject, r.text, r.html)
        if not row.to_addr.isascii():
            raise ValueError(f"the address {row.to_addr!r} needs SMTPUTF8, which ftm does "
                             "not speak yet")
        env, message_id = c.envelope(ref="o", row_id=row.id, kind=row.kind, to_addr=row.to_addr,
                                     to_name=row.to_name, words=words, token=token, hub=hub,
                                     now=now, in_reply_to=row.in_reply_to,
                                     reply_to=str(row.context.get("reply_to") or "") or None,
                                     attachments=attachments_for(row.context))
        return Job(row.id, row.attempts, env, message_id, now)
