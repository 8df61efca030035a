"""Hub digests: a hub's upcoming events and new posts, once a day or once a week.

``make_due`` is the scheduler's job. A hub's digest is due at the digest hour (08:00
local time unless ``[lists] digest_hour`` says otherwise) every day (``digest =
"daily"`` in the hubs file) or every Monday (``"weekly"``; ``[lists] digest_weekday``).
It lists upcoming scheduled events first (soonest first), then the approved posts,
each item in one digest only (``digest_items`` is unique per item), and goes only to
the hub's members who chose the digest: members who get each message already had
every item. A digest with nothing in it is never sent.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from lists import events, hubref, sends
from lists.clock import iso, parse
from lists.hubref import HubRef
from lists.sends import NewSend

DIGEST_HOUR = 8   # local time (the default of [lists] digest_hour)
WEEKDAY = 0       # Monday, for weekly digests (the default of [lists] digest_weekday)
MAX_ITEMS = 100   # per digest; the rest wait for the next one


def slot(period: str, now: datetime, tz: str, hour: int = DIGEST_HOUR,
         weekday: int = WEEKDAY) -> datetime:
    """The latest moment at or before *now* when a *period* digest was due (UTC): *hour*
    local time each day, or on *weekday* (0 Monday) for weekly digests.

    >>> slot("daily", datetime(2026, 11, 25, 7, tzinfo=UTC), "Europe/London").day
    24
    """
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if at > local:
        at = datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=zone)
    if period == "weekly":
        back = (at.weekday() - weekday) % 7
        at = datetime.combine(at.date() - timedelta(days=back), time(hour), tzinfo=zone)
    return at.astimezone(ZoneInfo("UTC"))


def items(db: sqlite_utils.Database, hub_id: int, now: datetime) -> list[dict[str, Any]]:
    """What the hub's next digest holds: upcoming events first, then posts, none twice."""
    evs = list(db.query(
        "SELECT * FROM events e WHERE e.hub_id = ? AND e.state = 'scheduled' AND e.starts_at > ? "
        "AND NOT EXISTS (SELECT 1 FROM digest_items i WHERE i.item = 'event' AND i.item_id = e.id)"
        " ORDER BY e.starts_at LIMIT ?", [hub_id, iso(now), MAX_ITEMS]))
    posts = list(db.query(
        "SELECT p.id, p.subject, p.body, p.from_name FROM hub_posts p WHERE p.hub_id = ? "
        "AND p.state = 'approved' AND NOT EXISTS (SELECT 1 FROM digest_items i "
        "WHERE i.item = 'post' AND i.item_id = p.id) ORDER BY p.id LIMIT ?",
        [hub_id, MAX_ITEMS - len(evs)]))
    return ([{"kind": "event", **events.template_event(e)} for e in evs]
            + [{"kind": "post", "id": p["id"], "title": p["subject"], "body": p["body"],
                "author": p["from_name"] or ""} for p in posts])


def last_at(db: sqlite_utils.Database, hub_id: int) -> datetime | None:
    row = db.execute("SELECT max(created_at) FROM digests WHERE hub_id = ?", [hub_id]).fetchone()
    return parse(row[0]) if row and row[0] else None


def make(db: sqlite_utils.Database, hub: HubRef, now: datetime) -> int | None:
    """Make the hub's digest now (joins the caller's transaction); its send id, or None.

    None when nothing is sent: there is nothing new (the digest's turn is still
    recorded, so what comes later waits for the next one), or nobody reads the
    digest (the items are marked as digested all the same, so nobody who switches
    to the digest later gets a backlog).
    """
    found = items(db, hub.id, now)
    send_id = None
    if found and hubref.count(db, hub.id, "digest"):
        subject = f"{hub.name}: {len(found)} item(s) this {_period_word(hub.digest)}"
        send_id = sends.create(db, NewSend(
            "digest", "hub/digest", subject, "", hub.audience("digest"), "ftm",
            {"items": found, "events": [i for i in found if i["kind"] == "event"],
             "posts": [i for i in found if i["kind"] == "post"],
             "period": hub.digest}, origin=f"digest:{hub.id}:{iso(now)}"), now)
    cur = db.execute("INSERT INTO digests (hub_id, send_id, items, created_at) VALUES (?, ?, ?, ?)",
                     [hub.id, send_id, len(found), iso(now)])
    digest_id = int(cur.lastrowid or 0)
    db.conn.executemany("INSERT INTO digest_items (digest_id, item, item_id) VALUES (?, ?, ?)",
                        [(digest_id, i["kind"], i["id"]) for i in found])
    return send_id


def make_due(db: sqlite_utils.Database, now: datetime, tz: str, hour: int = DIGEST_HOUR,
             weekday: int = WEEKDAY) -> list[int]:
    """Make every hub's digest that is due (joins the caller's transaction); the sends made."""
    made = []
    hubs = [hubref.HubRef(r[0], r[1], r[2], r[3]) for r in db.execute(
        "SELECT id, slug, name, digest FROM hubs WHERE active = 1 ORDER BY id")]
    for hub in hubs:
        due = slot(hub.digest, now, tz, hour, weekday)
        last = last_at(db, hub.id)
        if last is not None and last >= due:
            continue
        send_id = make(db, hub, now)
        if send_id is not None:
            made.append(send_id)
    return made


def _period_word(period: str) -> str:
    return "week" if period == "weekly" else "day"

