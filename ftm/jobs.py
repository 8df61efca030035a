"""The daemon's periodic jobs, in one table (name, interval, function).

- ``outbox-delivery`` (every 10 s): deliver due outbox rows for at most a minute a
  run (so the watchdog keeps hearing from the scheduler), then scrub the sent last
  confirmations of erasures;
- ``confirmation-reminders`` (hourly): remind pending signups once after
  ``limits.pending_reminder_days``, let them lapse after ``limits.pending_expiry_days``;
- ``token-cleanup`` (hourly): delete tokens expired for over a week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from ftm.app import App
from ftm.mailing import composer, relay_config
from ftm.scheduler import Job
from ftm.wiring import policy
from lists import erasure
from lists.housekeeping import purge_expired_tokens
from lists.pending import remind_and_expire
from lists.store import transaction
from mailer.deliver import OutboxDeliverer

# An expired token is kept this long so a late click hears "expired", not "unknown".
TOKEN_GRACE = timedelta(days=7)
DELIVERY_BUDGET = timedelta(seconds=60)


def build_jobs(app: App, db: sqlite_utils.Database) -> list[Job]:
    """The periodic jobs, each using *db* (the scheduler's own connection)."""
    s = app.settings
    rules = policy(app)
    deliverer = OutboxDeliverer(db, relay_config(s), composer(app))

    def outbox_delivery(now: datetime) -> str:
        report = deliverer.flush(deadline=now + DELIVERY_BUDGET)
        with transaction(db):
            scrubbed = erasure.scrub_sent(db)
        if scrubbed:
            erasure.checkpoint(db)
        note = f"; {report.stopped}" if report.stopped else ""
        if report.deferred_by_quota:
            note += f"; daily quota reached until {report.quota_next_at}"
        return f"sent {report.sent}, failed {report.failed}, to retry {report.retry}{note}"

    def reminders(now: datetime) -> str:
        r = remind_and_expire(db, now, rules, timedelta(days=s.limits.pending_reminder_days),
                              timedelta(days=s.limits.pending_expiry_days))
        return f"reminded {r.reminded}, expired {r.expired} pending signup(s)"

    def token_cleanup(now: datetime) -> str:
        return f"deleted {purge_expired_tokens(db, now, TOKEN_GRACE)} expired token(s)"

    return [
        Job("outbox-delivery", timedelta(seconds=10), outbox_delivery),
        Job("confirmation-reminders", timedelta(hours=1), reminders),
        Job("token-cleanup", timedelta(hours=1), token_cleanup),
    ]
