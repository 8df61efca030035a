"""The daemon's periodic jobs, in one table (name, interval, function).

- ``outbox-delivery`` (every 10 s): deliver due outbox rows for at most a minute a
  run (so the watchdog keeps hearing from the scheduler), then scrub the sent last
  confirmations of erasures;
- ``confirmation-reminders`` (hourly): remind pending signups once after
  ``limits.pending_reminder_days``, let them lapse after ``limits.pending_expiry_days``;
- ``token-cleanup`` (hourly): delete tokens expired for over a week;
- ``event-reminders`` (every 15 minutes): the day-before reminders of hub events;
- ``hub-digests`` (every 15 minutes): each hub's daily or weekly digest when due;
- ``bulk-sends`` (every 10 s): deliver unfinished bulk sends for at most
  ``[lists] bulk_run_seconds`` a run, and report a bulletin's progress to its sender.

The hub-list jobs come first, so ``ftm run --once`` delivers what they create in
the same run.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import sqlite_utils

from ftm.app import App
from ftm.mailing import composer, relay_config
from ftm.scheduler import Job
from ftm.sending import run_sends
from ftm.wiring import policy
from lists import digests, erasure, events
from lists.housekeeping import purge_expired_tokens
from lists.pending import remind_and_expire
from lists.replies import Replier
from lists.store import transaction
from mailer.deliver import OutboxDeliverer

# An expired token is kept this long so a late click hears "expired", not "unknown".
TOKEN_GRACE = timedelta(days=7)
DELIVERY_BUDGET = timedelta(seconds=60)


def build_jobs(app: App, db: sqlite_utils.Database,
               stop: threading.Event | None = None) -> list[Job]:
    """The periodic jobs, each using *db* (the scheduler's own connection).

    *stop* is the daemon's stop event: a long bulk send checks it between chunks.
    """
    s = app.settings
    rules = policy(app)
    relay = relay_config(s, app.oauth_tokens)   # shares its OAuth tokens with the watcher
    mail = composer(app)
    deliverer = OutboxDeliverer(db, relay, mail)
    stopping = stop.is_set if stop is not None else (lambda: False)

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

    def event_reminders(now: datetime) -> str:
        with transaction(db):
            r = Replier(db, now, rules.replies_per_day, rules.suppression_key)
            n = events.remind_due(db, now, r, rules.reminder_hour)
        return f"{n} event reminder(s) created"

    def hub_digests(now: datetime) -> str:
        with transaction(db):
            made = digests.make_due(db, now, rules.timezone, rules.digest_hour,
                                    rules.digest_weekday)
        return f"{len(made)} digest(s) created"

    def bulk_sends(now: datetime) -> str:
        return run_sends(db, relay, mail, rules, timedelta(seconds=s.lists.bulk_run_seconds),
                         stopping)

    return [
        Job("event-reminders", timedelta(minutes=15), event_reminders),
        Job("hub-digests", timedelta(minutes=15), hub_digests),
        Job("bulk-sends", timedelta(seconds=10), bulk_sends),
        Job("outbox-delivery", timedelta(seconds=10), outbox_delivery),
        Job("confirmation-reminders", timedelta(hours=1), reminders),
        Job("token-cleanup", timedelta(hours=1), token_cleanup),
    ]
