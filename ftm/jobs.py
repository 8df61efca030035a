"""The daemon's periodic jobs, in one table (name, interval, function).

Today the table holds the token clean-up. The integrator adds, next to it, the jobs
whose APIs are built in parallel with this one:

- ``outbox-delivery`` (every few seconds): the mailer's delivery of due outbox rows,
  in chunks that return within a minute (``ftm run --once`` runs it once too);
- ``confirmation-reminders`` (hourly): remind pending signups after
  ``limits.pending_reminder_days`` and expire them after ``limits.pending_expiry_days``;
- later, digests and event reminders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from ftm.scheduler import Job
from ftm.settings import Settings
from lists.housekeeping import purge_expired_tokens

# An expired token is kept this long so a late click hears "expired", not "unknown".
TOKEN_GRACE = timedelta(days=7)


def build_jobs(settings: Settings, db: sqlite_utils.Database) -> list[Job]:
    """The periodic jobs, each using *db* (the scheduler's own connection)."""
    # settings: the jobs the integrator adds read their limits (settings.limits) from here

    def token_cleanup(now: datetime) -> str:
        return f"deleted {purge_expired_tokens(db, now, TOKEN_GRACE)} expired token(s)"

    return [
        Job("token-cleanup", timedelta(hours=1), token_cleanup),
    ]
