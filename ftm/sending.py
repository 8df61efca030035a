"""The daemon's bulk sends: resume every unfinished send within a time budget, report progress.

``run_sends`` is the ``bulk-sends`` job: it runs each unfinished send (a bulletin, an
event notice or reminder, a hub post, a digest, or an ``ftm send``) with
``mailer.bulk.BulkSender`` until the budget is spent, the relay's daily quota or a
"slow down" stops it, or the daemon is stopping (SIGTERM: checked between chunks).
What is left goes on at the next run; the relay's rate and rolling quota are kept
in the store, so they hold across runs and restarts. After each run of a
bulletin's send, its sender hears of the progress (``lists.bulletins.progress``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from lists import bulletins, sends
from lists.clock import utcnow
from lists.policy import Policy
from lists.replies import Replier
from lists.sends import SendError
from lists.store import transaction
from mailer.bulk import BulkSender
from mailer.compose import Composer
from mailer.config import RelayConfig
from mailer.render import TemplateError

log = logging.getLogger(__name__)


def run_sends(db: sqlite_utils.Database, relay: RelayConfig, composer: Composer,
              policy: Policy, budget: timedelta, should_stop: Callable[[], bool] = lambda: False,
              clock: Callable[[], datetime] = utcnow) -> str:
    """Deliver what unfinished sends have due, for at most *budget*; a summary for the log."""
    deadline = clock() + budget
    sent = failed = runs = 0
    note = ""
    for send_id in sends.unfinished(db):
        if should_stop() or clock() >= deadline:
            break
        try:
            report = BulkSender(db, relay, composer, send_id, clock=clock, deadline=deadline,
                                should_stop=should_stop).run()
        except (SendError, TemplateError) as e:   # busy elsewhere, or a broken template
            log.error("send %d not delivered now: %s", send_id, e)
            continue
        runs += 1
        sent, failed = sent + report.run.sent, failed + report.run.failed
        with transaction(db):
            r = Replier(db, clock(), policy.replies_per_day, policy.suppression_key)
            told = bulletins.progress(db, send_id, report.run.deferred_by_quota, clock(), r)
        if told:
            log.info("send %d: %s report queued for the bulletin's sender", send_id, told)
        if report.run.deferred_by_quota or report.run.stopped:
            note = "; " + (report.run.stopped or
                           f"daily quota reached until {report.run.quota_next_at}")
            break
    return f"{runs} send(s) run: {sent} delivered, {failed} failed{note}"
