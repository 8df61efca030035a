"""The delivery engine: jobs through a bounded queue to pooled connections, results recorded.

One ``Engine`` run takes jobs from a producer (outbox rows in ``mailer.deliver``, a
bulk send's deliveries in ``mailer.bulk``) through a bounded queue to ``concurrency``
connections that pipeline their batches. Results are committed in groups: every
result that arrives in the same turn of the event loop goes into one transaction,
and a connection writes its next message's end-of-data only after its previous
result is committed. So at most one message per connection can be accepted by the
relay and not yet recorded; that is what a crash can send twice.

What a reply means for a message:

    2xx                      sent
    5xx                      failed, with the relay's answer stored
    4xx, timeout, lost line  retried later: exponential backoff with jitter
    "slow down" (4.7.0, ...) retried after a pause of the whole relay, kept in the store

Quota is reserved in the transaction that claims rows; what never reached the
relay is given back.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from lists import relays
from lists.clock import utcnow
from lists.outbox import Result
from lists.store import transaction
from mailer.config import RelayConfig
from mailer.smtp import Envelope, SmtpClient
from mailer.smtpreply import (
    LOST,
    Reply,
    SmtpAuthFailed,
    SmtpError,
    SmtpPermanent,
    SmtpTemporary,
    SmtpThrottled,
)
from mailer.throttle import RetryPolicy, TokenBucket

log = logging.getLogger(__name__)

BATCH = 64            # messages a connection takes from the queue at a time
CONNECT_TRIES = 3     # consecutive failed connections before a run gives up
GROUP_WAIT = 0.002    # seconds a result may wait for others to share its commit


@dataclass(slots=True)
class Job:
    """One message ready for the wire, and what to record about it."""

    row_id: int
    attempts: int
    envelope: Envelope
    message_id: str
    reserved_at: datetime          # the quota bucket to refund if it never reaches the relay


@dataclass(slots=True)
class RunReport:
    """What one run did, and why it stopped if it stopped early."""

    sent: int = 0
    failed: int = 0
    retry: int = 0
    untried: int = 0                       # claimed but never put on the wire
    deferred_by_quota: bool = False
    quota_next_at: datetime | None = None
    paused_until: datetime | None = None
    stopped: str = ""                      # one sentence when the relay stopped the run
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, r: Result) -> None:
        if r.status == "sent":
            self.sent += 1
        elif r.status == "failed":
            self.failed += 1
            key = r.error or "unknown"
            self.errors[key] = self.errors.get(key, 0) + 1
        else:
            self.retry += 1


Commit = Callable[[list[Result], datetime], None]
Produce = Callable[["Engine"], Awaitable[None]]


class Engine:
    """One delivery run against one relay (see the module docstring)."""

    def __init__(self, db: sqlite_utils.Database, relay: RelayConfig, commit: Commit,
                 clock: Callable[[], datetime] = utcnow, policy: RetryPolicy | None = None,
                 rng: random.Random | None = None,
                 progress: Callable[[RunReport], None] | None = None) -> None:
        self.db = db
        self.relay = relay
        self._commit = commit
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.rng = rng or random.Random()
        self.progress = progress
        self.report = RunReport()
        self.bucket = TokenBucket(relay.rate)
        self.queue: asyncio.Queue[Job | None] = asyncio.Queue(maxsize=2 * chunk_size(relay))
        self.stop = asyncio.Event()
        self._pending: list[Result] = []
        self._flushed: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.sending = 0                   # connections in the middle of a batch

    # -- results --------------------------------------------------------------------
    def classify(self, job: Job, reply: Reply, now: datetime) -> Result:
        if reply.ok:
            return Result(job.row_id, "sent", message_id=job.message_id)
        if reply.code >= 500 and not reply.throttle:
            return Result(job.row_id, "failed", str(reply)[:500], message_id=job.message_id)
        nxt = self.policy.next_attempt(job.attempts, now, self.rng)
        if nxt is None:
            return Result(job.row_id, "failed",
                          f"gave up after {job.attempts} attempts: {reply}"[:500])
        return Result(job.row_id, "retry", str(reply)[:500], nxt)

    async def record(self, result: Result) -> None:
        """Queue *result* for the next group commit and wait until it is committed.

        The group is committed as soon as every sending connection waits on it (each
        has at most one result outstanding), or after ``GROUP_WAIT`` at the latest.
        """
        self._pending.append(result)
        self.report.add(result)
        loop = asyncio.get_running_loop()
        if self._flushed is None:
            self._flushed = loop.create_future()
            self._timer = loop.call_later(GROUP_WAIT, self._flush)
        fut = self._flushed
        if len(self._pending) >= self.sending and self._timer is not None:
            self._timer.cancel()
            self._flush()
        await asyncio.shield(fut)

    def _flush(self) -> None:
        batch, fut = self._pending, self._flushed
        if fut is None:
            return
        self._pending, self._flushed = [], None
        try:
            self._commit(batch, self.clock())
        except Exception as e:  # the store failed: stop, and let the waiters see why
            log.exception("could not record %d result(s)", len(batch))
            self.stop.set()
            if fut is not None and not fut.done():
                fut.set_exception(e)
            return
        if fut is not None and not fut.done():
            fut.set_result(None)
        if self.progress:
            self.progress(self.report)

    def record_now(self, results: list[Result]) -> None:
        """Record results that need no sending (a template that would not render)."""
        for r in results:
            self.report.add(r)
        if results:
            self._commit(results, self.clock())

    def give_back(self, jobs: list[Job], why: str, when: datetime | None = None) -> None:
        """Jobs that never reached the relay: queued again, their quota refunded."""
        if not jobs:
            return
        at = when or self.clock() + self.policy.first
        self.report.untried += len(jobs)
        by_minute: dict[datetime, int] = {}
        for j in jobs:
            by_minute[j.reserved_at] = by_minute.get(j.reserved_at, 0) + 1
        with transaction(self.db):
            for reserved_at, count in by_minute.items():
                relays.refund(self.db, self.relay.name, count, reserved_at)
            self._commit([Result(j.row_id, "retry", why[:500], at) for j in jobs], self.clock())

    # -- the run --------------------------------------------------------------------
    async def run(self, produce: Produce) -> RunReport:
        paused = relays.paused(self.db, self.relay.name, self.clock())
        if paused:
            self.report.paused_until = paused[0]
            self.report.stopped = f"the relay asked us to slow down ({paused[1]})"
            return self.report
        workers = [asyncio.create_task(self._worker(n))
                   for n in range(max(1, self.relay.concurrency))]
        try:
            await produce(self)
        finally:
            for _ in workers:
                await self.queue.put(None)
            await asyncio.gather(*workers, return_exceptions=True)
        left: list[Job] = []
        while not self.queue.empty():
            job = self.queue.get_nowait()
            if job is not None:
                left.append(job)
        self.give_back(left, self.report.stopped or "not sent: the run stopped",
                       self.report.paused_until)
        return self.report

    async def put(self, job: Job) -> bool:
        """Hand a job to the connections; False when the run is stopping (keep it yourself)."""
        if self.stop.is_set():
            return False
        await self.queue.put(job)
        return True

    async def _take(self) -> list[Job] | None:
        first = await self.queue.get()
        if first is None:
            return None
        jobs = [first]
        while len(jobs) < BATCH and not self.queue.empty():
            nxt = self.queue.get_nowait()
            if nxt is None:
                self.queue.put_nowait(None)  # leave the stop signal for this worker's next turn
                break
            jobs.append(nxt)
        return jobs

    async def _worker(self, number: int) -> None:
        client: SmtpClient | None = None
        failures = 0
        while True:
            jobs = await self._take()
            if jobs is None:
                break
            while jobs:
                if self.stop.is_set():
                    self.give_back(jobs, self.report.stopped or "not sent",
                                   self.report.paused_until)
                    break
                try:
                    if client is None:
                        client = await SmtpClient.connect(self.relay)
                    await self._send(client, jobs)
                    failures = 0
                    break
                except SmtpError as e:
                    jobs = jobs[getattr(e, "done", 0):]
                    if client is not None:
                        client.abort()
                    client = None
                    self._stop_for(e)
                    if (isinstance(e, SmtpTemporary) and not isinstance(e, SmtpThrottled)
                            and failures + 1 < CONNECT_TRIES and not self.stop.is_set()):
                        failures += 1
                        log.warning("relay %s: %s; connecting again", self.relay.host, e)
                        await asyncio.sleep(min(0.2 * 2 ** failures, 5))
                        continue
                    self.report.stopped = self.report.stopped or str(e)
                    self.stop.set()
        if client is not None:
            await client.quit()

    async def _send(self, client: SmtpClient, jobs: list[Job]) -> int:
        progress = [0]

        async def on_result(i: int, reply: Reply) -> None:
            progress[0] = i + 1
            now = self.clock()
            result = self.classify(jobs[i], reply, now)
            if reply.throttle:
                until = self._pause(str(reply), now)
                result = Result(jobs[i].row_id, "retry", str(reply)[:500], until)
            if reply is not LOST or result.status != "sent":
                log.debug("row %d: %s", jobs[i].row_id, reply)
            await self.record(result)
            if reply.throttle:
                raise SmtpThrottled(f"the relay asks us to slow down: {reply}", reply)

        self.sending += 1
        try:
            return await client.send_batch([j.envelope for j in jobs], on_result,
                                           self.bucket.take if self.relay.rate < 1e6 else None)
        except SmtpError as e:
            e.done = progress[0]  # type: ignore[attr-defined]
            raise
        finally:
            self.sending -= 1

    def _pause(self, why: str, now: datetime) -> datetime:
        with transaction(self.db):
            until = relays.pause(self.db, self.relay.name, now, why)
        self.report.paused_until = until
        self.report.stopped = f"the relay asked us to slow down ({why}); paused until {until:%H:%M}"
        self.stop.set()
        log.warning("relay %s paused until %s: %s", self.relay.host, until, why)
        return until

    def _stop_for(self, e: SmtpError) -> None:
        if isinstance(e, SmtpThrottled):
            if self.report.paused_until is None:
                self._pause(str(e.reply or e), self.clock())
        elif isinstance(e, SmtpAuthFailed | SmtpPermanent):
            self.report.stopped = str(e)
            self.stop.set()


def chunk_size(relay: RelayConfig) -> int:
    """Rows claimed at a time: a minute's worth at the relay's rate, 16 to 512, and at most
    a fiftieth of the daily quota (quota reserved by a process that crashes stays used)."""
    return int(max(1, min(512, max(16, relay.rate * 60), relay.daily_quota // 50)))
