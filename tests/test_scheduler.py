"""The scheduler: jobs due at start then every interval, failures logged and retried; clean-up."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest

from ftm.app import App
from ftm.jobs import TOKEN_GRACE, build_jobs
from ftm.scheduler import Job, Scheduler
from lists.clock import iso

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_jobs_run_at_start_then_every_interval() -> None:
    # due at once, not again before the interval, again after it
    ran: list[tuple[str, datetime]] = []
    s = Scheduler([Job("a", timedelta(minutes=5), lambda now: ran.append(("a", now))),
                   Job("b", timedelta(hours=1), lambda now: ran.append(("b", now)))])
    assert [r.name for r in s.run_due(T0)] == ["a", "b"]
    assert s.run_due(T0 + timedelta(minutes=4)) == []
    assert s.seconds_to_next(T0 + timedelta(minutes=4)) == 60
    assert [r.name for r in s.run_due(T0 + timedelta(minutes=5))] == ["a"]
    assert [r.name for r in s.run_due(T0 + timedelta(hours=1))] == ["a", "b"]
    assert [name for name, _ in ran] == ["a", "b", "a", "a", "b"]


def test_a_failing_job_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    # the failure is logged with the job's name; the other job still runs; retried later
    calls = {"bad": 0, "good": 0}

    def bad(now: datetime) -> None:
        calls["bad"] += 1
        raise RuntimeError("relay unreachable")

    def good(now: datetime) -> str:
        calls["good"] += 1
        return "fine"

    s = Scheduler([Job("bad", timedelta(minutes=1), bad),
                   Job("good", timedelta(minutes=1), good)])
    with caplog.at_level(logging.INFO):
        runs = s.run_due(T0)
    assert [(r.name, r.ok) for r in runs] == [("bad", False), ("good", True)]
    assert "job bad failed: RuntimeError: relay unreachable" in caplog.text
    assert "job good: fine" in caplog.text
    s.run_due(T0 + timedelta(minutes=1))
    assert calls == {"bad": 2, "good": 2} and s.failures == 2


def test_job_names_are_unique() -> None:
    # two jobs of one name would overwrite each other's schedule
    with pytest.raises(ValueError, match="unique"):
        Scheduler([Job("x", timedelta(1), print), Job("x", timedelta(2), print)])


def test_run_forever_runs_and_stops() -> None:
    # in a thread: the jobs run at start; stop ends the loop within a second or so
    ran = threading.Event()
    s = Scheduler([Job("a", timedelta(hours=1), lambda now: ran.set())])
    stop = threading.Event()
    t = threading.Thread(target=s.run_forever, args=(stop,))
    t.start()
    assert ran.wait(10)
    stop.set()
    t.join(10)
    assert not t.is_alive()


def test_token_cleanup_deletes_only_long_expired(app: App) -> None:
    # expired before now - grace: deleted; expired within the grace, or valid: kept
    db = app.db()
    for name, expires in [("old", T0 - TOKEN_GRACE - timedelta(seconds=1)),
                          ("grace", T0 - TOKEN_GRACE + timedelta(hours=1)),
                          ("valid", T0 + timedelta(days=3))]:
        db.execute("INSERT INTO tokens (token_hash, action, email, created_at, expires_at) "
                   "VALUES (?, 'confirm', 'a@example.org', ?, ?)",
                   [name, iso(T0 - timedelta(days=40)), iso(expires)])
    db.conn.commit()
    (job,) = [j for j in build_jobs(app, db) if j.name == "token-cleanup"]
    assert job.run(T0) == "deleted 1 expired token(s)"
    assert [r[0] for r in db.execute("SELECT token_hash FROM tokens ORDER BY id")] == \
        ["grace", "valid"]
