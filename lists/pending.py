"""Unconfirmed signups: one reminder after a while, then the signup lapses.

A lapsed signup keeps only its address and state ``expired`` (so ``ftm members show``
can explain it); the name and postcode are cleared and its tokens revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from lists import members, tokens
from lists.clock import iso
from lists.membership import send_confirmation
from lists.policy import Policy
from lists.replies import Replier
from lists.store import transaction

BATCH = 200  # members handled per transaction, so the daemon's other tasks get turns


@dataclass(frozen=True, slots=True)
class PendingReport:
    reminded: int
    expired: int


def remind_and_expire(db: sqlite_utils.Database, now: datetime, policy: Policy,
                      remind_after: timedelta, expire_after: timedelta) -> PendingReport:
    """Remind pending signups older than *remind_after* (once); expire those past *expire_after*."""
    reminded = expired = 0
    while True:
        with transaction(db):
            rows = db.execute(
                "SELECT id FROM members WHERE state = 'pending' AND created_at < ? LIMIT ?",
                [iso(now - expire_after), BATCH]).fetchall()
            for (member_id,) in rows:
                members.update(db, member_id, now, state="expired", name=None, postcode=None)
                m = members.get(db, member_id)
                if m is not None:
                    tokens.revoke(db, m.email)
                members.audit(db, now, "ftm", "signup expired", member_id)
        expired += len(rows)
        if len(rows) < BATCH:
            break
    while True:
        with transaction(db):
            rows = db.execute(
                "SELECT id FROM members WHERE state = 'pending' AND reminded_at IS NULL "
                "AND created_at < ? ORDER BY id LIMIT ?",
                [iso(now - remind_after), BATCH]).fetchall()
            r = Replier(db, now, policy.replies_per_day, policy.suppression_key)
            for (member_id,) in rows:
                m = members.get(db, member_id)
                if m is None:
                    continue
                if m.postcode:
                    send_confirmation(db, m, now, policy, r, "member/reminder")
                else:
                    r.reply(m.email, "member/ask-postcode", {"name": m.name}, m.name, m.id)
                members.update(db, m.id, now, reminded_at=iso(now))
        reminded += len(rows)
        if len(rows) < BATCH:
            break
    return PendingReport(reminded, expired)
