"""What each SMTP relay has been given and told us: a rolling 24-hour quota ledger and pauses.

Messages are counted per relay in one-minute buckets (``relay_usage``). A bucket
counts for 24 hours and one minute after its start, so the rolling window is never
undercounted. The mailer reserves quota in the same transaction that claims the
rows it will send, so a crash can only over-count, never let the quota be exceeded
after a restart. ``relay_pauses`` remembers a relay that said "too many login
attempts" or similar, so a restart does not hammer it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from lists.clock import iso, parse

WINDOW = timedelta(hours=24)
BUCKET = timedelta(minutes=1)


def _minute(now: datetime) -> str:
    return iso(now.replace(second=0, microsecond=0))


def _since(now: datetime) -> str:
    return iso(now - WINDOW - BUCKET)


def used(db: sqlite_utils.Database, relay: str, now: datetime) -> int:
    """Messages handed to *relay* in the rolling 24 hours before *now*."""
    row = db.execute("SELECT coalesce(sum(sent), 0) FROM relay_usage WHERE relay = ? "
                     "AND minute > ?", [relay, _since(now)]).fetchone()
    return int(row[0])


def available(db: sqlite_utils.Database, relay: str, quota: int, now: datetime) -> int:
    """How many more messages the quota allows right now."""
    return max(0, quota - used(db, relay, now))


def reserve(db: sqlite_utils.Database, relay: str, count: int, now: datetime) -> None:
    """Count *count* messages against the quota at *now*; join the caller's transaction."""
    if count <= 0:
        return
    db.execute("INSERT INTO relay_usage (relay, minute, sent) VALUES (?, ?, ?) "
               "ON CONFLICT (relay, minute) DO UPDATE SET sent = sent + excluded.sent",
               [relay, _minute(now), count])


def refund(db: sqlite_utils.Database, relay: str, count: int, reserved_at: datetime) -> None:
    """Give back messages reserved at *reserved_at* that never reached the relay."""
    if count <= 0:
        return
    db.execute("UPDATE relay_usage SET sent = max(0, sent - ?) WHERE relay = ? AND minute = ?",
               [count, relay, _minute(reserved_at)])


def next_allowed_at(db: sqlite_utils.Database, relay: str, quota: int, now: datetime,
                    need: int = 1) -> datetime:
    """When the quota will next allow *need* more messages (*now* if it does already)."""
    buckets = db.execute("SELECT minute, sent FROM relay_usage WHERE relay = ? AND minute > ? "
                         "ORDER BY minute", [relay, _since(now)]).fetchall()
    total = sum(b[1] for b in buckets)
    if total + need <= quota:
        return now
    for minute, sent in buckets:
        total -= sent
        if total + need <= quota:
            return parse(minute) + WINDOW + BUCKET
    return now + WINDOW + BUCKET


def prune(db: sqlite_utils.Database, now: datetime) -> int:
    """Drop buckets that no longer count; return how many."""
    return db.execute("DELETE FROM relay_usage WHERE minute <= ?", [_since(now)]).rowcount


def pause(db: sqlite_utils.Database, relay: str, now: datetime, reason: str,
          first: timedelta = timedelta(minutes=5),
          longest: timedelta = timedelta(hours=2)) -> datetime:
    """Pause *relay* after it asked us to slow down; each strike in a row doubles the pause.

    Returns when sending may start again. Joins the caller's transaction.
    """
    row = db.execute("SELECT strikes, paused_until FROM relay_pauses WHERE relay = ?",
                     [relay]).fetchone()
    # strikes count only while the relay keeps complaining within a day of the last pause
    strikes = 1
    if row and parse(row[1]) > now - timedelta(days=1):
        strikes = int(row[0]) + 1
    wait = min(first * (2 ** (strikes - 1)), longest)
    until = now + wait
    db.execute("INSERT INTO relay_pauses (relay, paused_until, reason, strikes) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (relay) DO UPDATE SET "
               "paused_until = excluded.paused_until, reason = excluded.reason, "
               "strikes = excluded.strikes", [relay, iso(until), reason[:300], strikes])
    return until


def paused(db: sqlite_utils.Database, relay: str, now: datetime) -> tuple[datetime, str] | None:
    """(until, reason) while *relay* is paused, else None."""
    row = db.execute("SELECT paused_until, reason FROM relay_pauses WHERE relay = ?",
                     [relay]).fetchone()
    if row and parse(row[0]) > now:
        return parse(row[0]), row[1]
    return None
