"""Periodic jobs: one table of (name, interval, function); each run logged, failures retried.

Every job is due at start-up, then every ``interval``. A job takes ``now`` and returns
a short summary for the log ("deleted 3 expired token(s)"). A job that raises is
logged and tried again at its next interval; it never stops the others. Jobs run one
after another on the scheduler's thread, so each should finish within a minute or so
(a long send works in chunks and picks up where it stopped next time).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lists.clock import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One periodic job: ``run(now)`` every ``interval``."""

    name: str
    interval: timedelta
    run: Callable[[datetime], object]


@dataclass(frozen=True, slots=True)
class JobRun:
    """What one run of a job did."""

    name: str
    ok: bool
    summary: str
    seconds: float


class Scheduler:
    """Runs due jobs; ``run_due(now)`` once, ``run_forever(stop)`` in the daemon."""

    def __init__(self, jobs: Sequence[Job], clock: Callable[[], datetime] = utcnow) -> None:
        names = [j.name for j in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self.jobs = list(jobs)
        self.clock = clock
        self.next_at: dict[str, datetime | None] = {j.name: None for j in self.jobs}
        self.beat = time.monotonic()
        self.failures = 0

    def due(self, now: datetime) -> list[Job]:
        return [j for j in self.jobs if (at := self.next_at[j.name]) is None or at <= now]

    def run_job(self, job: Job, now: datetime) -> JobRun:
        """Run *job* once, log how it went, and schedule its next run."""
        t0 = time.monotonic()
        try:
            result = job.run(now)
            run = JobRun(job.name, True, "" if result is None else str(result),
                         time.monotonic() - t0)
            log.info("job %s: %s (%.2f s)", job.name, run.summary or "done", run.seconds)
        except Exception as e:
            self.failures += 1
            run = JobRun(job.name, False, f"{type(e).__name__}: {e}", time.monotonic() - t0)
            log.error("job %s failed: %s; next try in %s", job.name, run.summary,
                      job.interval, exc_info=True)
        self.next_at[job.name] = now + job.interval
        self.beat = time.monotonic()
        return run

    def run_due(self, now: datetime) -> list[JobRun]:
        return [self.run_job(j, now) for j in self.due(now)]

    def run_all(self, now: datetime) -> list[JobRun]:
        """Every job once, due or not (``ftm run --once``)."""
        return [self.run_job(j, now) for j in self.jobs]

    def seconds_to_next(self, now: datetime) -> float:
        pending = [at for at in self.next_at.values() if at is not None]
        if len(pending) < len(self.jobs):
            return 0.0
        return max(0.0, (min(pending) - now).total_seconds()) if pending else 3600.0

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.beat = time.monotonic()
            now = self.clock()
            self.run_due(now)
            stop.wait(min(1.0, self.seconds_to_next(self.clock())))
