"""Event notices: an officer's event, checked with them, sent to the hub with an invitation.

The flow: an officer of a hub mails an event (``EventNotice``). When the date, time
or place cannot be read, ftm asks back (``officer/event-unclear``) instead of
guessing. Otherwise it stores the event as ``awaiting`` and replies with what it
understood and an approval code (``officer/event-check``): that round trip proves
the mail came from the officer, whatever its From says. On approval the event is
``scheduled``: a bulk send (kind ``list``, ``hub/event`` with an ``.ics``
invitation) goes to the hub's members who get each message, the next digest lists
it, and the day before, ``remind_due`` sends a reminder and tells the organiser
how many members replied "going".

An event can be called off (``cancel``) until it starts: by its organiser replying
CANCEL to the mail that confirmed its approval (a code of its own, valid until the
event), or by a volunteer with ``ftm events cancel``. Everyone who was told of it
hears that it is off, with an invitation that takes it out of their calendar
(``METHOD:CANCEL``, same UID); no reminder follows, and no digest lists it.

Times are local wall-clock times in ``policy.timezone`` (Europe/London); the UTC
instant (``starts_at``) is kept beside them for ordering and reminders.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from lists import approvals, hubref, officers, sends
from lists.clock import iso, parse
from lists.commands import EventNotice, Going, HubPost
from lists.hubref import HubRef
from lists.policy import Policy, Result
from lists.replies import Replier
from lists.sends import NewSend

REMIND_HOUR = 9   # local hour on the day before an event when its reminder goes (default)


def local_to_utc(day: str, start: str, tz: str) -> datetime:
    """The UTC instant of a local date and time (the earlier one in an autumn repeat hour)."""
    local = datetime.combine(date.fromisoformat(day), time.fromisoformat(start),
                             tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC"))


def officer_hub(db: sqlite_utils.Database, cmd: EventNotice) -> HubRef | None:
    """The hub an event is for: the hub address it was sent to, else the sender's one hub."""
    if cmd.hub_slug:
        return hubref.by_slug(db, cmd.hub_slug)
    hubs = {o.hub_id for o in officers.roles_of(db, cmd.origin.email) if o.hub_id is not None}
    return hubref.by_id(db, hubs.pop()) if len(hubs) == 1 else None


def missing(cmd: EventNotice, now: datetime, tz: str) -> list[str]:
    """What an event notice lacks before it can go out (empty when it is complete)."""
    out = []
    if not cmd.date:
        out.append("the date")
    if not cmd.start:
        out.append("the start time")
    if not cmd.venue:
        out.append("the place")
    if cmd.date and cmd.start and local_to_utc(cmd.date, cmd.start, tz) <= now:
        out.append("a date in the future (the one we read has passed)")
    return out


def notice(db: sqlite_utils.Database, cmd: EventNotice, now: datetime, policy: Policy,
           r: Replier) -> Result | HubPost:
    """An event from an officer: ask back, or store it and ask for approval.

    From anyone who is not an officer of the hub, it is an ordinary post to the hub
    (returned as a ``HubPost`` for ``lists.posts``), or review when no hub is named.
    """
    sender = cmd.origin.email
    hub = officer_hub(db, cmd)
    if hub is None or not officers.is_officer_of(db, sender, hub.id):
        if cmd.hub_slug:
            return HubPost(cmd.origin, cmd.hub_slug, cmd.title, cmd.details)
        return Result("sent to review", "review",
                      "an event mailed to the main address by someone who is not the officer "
                      "of one hub")
    understood = {"title": cmd.title, "date": cmd.date, "start": cmd.start, "end": cmd.end,
                  "venue": cmd.venue, "venue_postcode": cmd.venue_postcode}
    lacking = missing(cmd, now, policy.timezone)
    if lacking:
        r.reply(sender, "officer/event-unclear",
                {"missing": lacking, "event": understood, "hub_name": hub.name})
        return Result("event notice unclear: asked for " + ", ".join(lacking))
    assert cmd.date and cmd.start and cmd.venue
    venue = cmd.venue + (f", {cmd.venue_postcode}" if cmd.venue_postcode
                         and cmd.venue_postcode not in cmd.venue else "")
    cur = db.execute(
        "INSERT INTO events (hub_id, uid, title, details, local_date, local_start, local_end, "
        "timezone, starts_at, venue, venue_postcode, organiser, state, message_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'awaiting', ?, ?)",
        [hub.id, f"ftm-event-{secrets.token_hex(10)}@{policy.domain}", cmd.title[:200],
         cmd.details[:20000], cmd.date, cmd.start, cmd.end, policy.timezone,
         iso(local_to_utc(cmd.date, cmd.start, policy.timezone)), venue, cmd.venue_postcode,
         sender, cmd.origin.message_id, iso(now)])
    event_id = int(cur.lastrowid or 0)
    token = approvals.issue(db, sender, "event", event_id, now, policy)
    r.reply(sender, "officer/event-check",
            {"event": {**understood, "venue": venue}, "hub_name": hub.name,
             "audience_size": hubref.count(db, hub.id, "each"),
             "digest_size": hubref.count(db, hub.id, "digest"), **approvals.context(policy, token)})
    return Result(f"event {event_id} for {hub.slug} awaits the officer's approval")


def get(db: sqlite_utils.Database, event_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
    return rows[0] if rows else None


def ics_spec(e: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What ``mailer.ics`` needs to build the event's invitation."""
    return {"uid": e["uid"], "title": e["title"], "date": e["local_date"],
            "start": e["local_start"], "end": e["local_end"], "timezone": e["timezone"],
            "venue": e["venue"], "details": e["details"][:2000], "stamp": iso(now)}


def template_event(e: dict[str, Any]) -> dict[str, Any]:
    """The event as templates show it: its date written out, its times, place and details."""
    day = date.fromisoformat(e["local_date"])
    return {"id": e["id"], "title": e["title"], "date": e["local_date"],
            "when": f"{day:%A} {day.day} {day:%B %Y}", "start": e["local_start"],
            "end": e["local_end"], "venue": e["venue"], "details": e["details"]}


def decide(db: sqlite_utils.Database, event_id: int, answer: str, approver: str,
           now: datetime, policy: Policy, r: Replier) -> Result:
    """The organiser approves (the notice goes to the hub) or rejects (nothing goes)."""
    e = get(db, event_id)
    if e is None or e["state"] != "awaiting":
        state = e["state"] if e else "gone"
        r.reply(approver, "officer/approval-done", {"what": "event", "outcome": "already",
                                                    "state": state, "recipients": 0})
        return Result(f"event {event_id} was already {state}")
    hub = hubref.by_id(db, e["hub_id"])
    if hub is None or not officers.is_officer_of(db, approver, hub.id):
        return Result("sent to review", "review",
                      "an event approved by someone who no longer holds a role in its hub")
    if answer == "reject":
        db.execute("UPDATE events SET state = 'rejected' WHERE id = ?", [event_id])
        r.reply(approver, "officer/approval-done", {"what": "event", "outcome": "rejected",
                                                    "state": "rejected", "recipients": 0})
        return Result(f"event {event_id} rejected by its organiser")
    send_id = sends.create(db, NewSend(
        "list", "hub/event", e["title"], e["details"], hub.audience("each"), approver,
        {"event": template_event(e), "ics": ics_spec(e, now)}, origin=f"event:{event_id}"), now)
    db.execute("UPDATE events SET state = 'scheduled', send_id = ?, approved_at = ? WHERE id = ?",
               [send_id, iso(now), event_id])
    total = sends.get(db, send_id).total
    # the organiser can call it off until it starts, by replying CANCEL to this mail
    until_start = max(parse(e["starts_at"]) - now, timedelta(hours=1))
    token = approvals.issue(db, approver, "event-cancel", event_id, now, policy, until_start)
    r.reply(approver, "officer/event-approved",
            {"event": template_event(e), "hub_name": hub.name, "recipients": total,
             **approvals.context(policy, token, until_start)})
    return Result(f"event {event_id} approved: notice to {total} member(s) (send {send_id})")


def cancel(db: sqlite_utils.Database, event_id: int, actor: str, now: datetime, r: Replier,
           note: str = "") -> Result:
    """Call an event off (joins the caller's transaction): whoever heard of it is told.

    An event awaiting approval is simply dropped. A scheduled one gets a notice
    (``hub/event-cancelled``, with a ``METHOD:CANCEL`` invitation) to the hub's
    each-message members, its digest readers when a digest already listed it, and
    everyone who said they were going; the organiser hears how many were told. An
    event that has started, or is already decided otherwise, is left as it is.
    """
    e = get(db, event_id)
    if e is None:
        return Result(f"no event {event_id}", "review", f"no event {event_id} to cancel")
    if e["state"] not in ("awaiting", "scheduled"):
        return Result(f"event {event_id} is already {e['state']}: nothing done")
    if parse(e["starts_at"]) <= now:
        return Result(f"event {event_id} has already started: nothing done")
    hub = hubref.by_id(db, e["hub_id"])
    approvals.withdraw(db, "event", event_id, now)
    approvals.withdraw(db, "event-cancel", event_id, now)
    told = 0
    send_id = None
    if e["state"] == "scheduled" and hub is not None:
        spec = {**ics_spec(e, now), "method": "CANCEL", "sequence": 1}
        send_id = sends.create(db, NewSend(
            "list", "hub/event-cancelled", e["title"], note[:5000], hub.audience("each"), actor,
            {"event": template_event(e), "ics": spec, "note": note[:5000]},
            origin=f"event-cancel:{event_id}"), now)
        if _digested(db, event_id):
            _add_members(db, send_id, "SELECT id FROM members WHERE hub_id = ? AND state = "
                         "'active' AND delivery = 'digest'", [hub.id], now)
        _add_going(db, send_id, event_id, now)
        told = sends.get(db, send_id).total
    db.execute("UPDATE events SET state = 'cancelled', cancelled_at = ?, cancel_send_id = ? "
               "WHERE id = ?", [iso(now), send_id, event_id])
    r.reply(e["organiser"], "officer/event-cancelled",
            {"event": template_event(e), "hub_name": hub.name if hub else "",
             "recipients": told, "by": actor})
    return Result(f"event {event_id} cancelled: {told} member(s) told")


def _digested(db: sqlite_utils.Database, event_id: int) -> bool:
    """Whether a digest that was really sent has listed the event."""
    return db.execute("SELECT 1 FROM digest_items i JOIN digests d ON d.id = i.digest_id "
                      "WHERE i.item = 'event' AND i.item_id = ? AND d.send_id IS NOT NULL",
                      [event_id]).fetchone() is not None


def going(db: sqlite_utils.Database, cmd: Going, now: datetime, r: Replier) -> Result | None:
    """A member's "I'll be there" in reply to a notice or reminder; None if it answers no event."""
    row = db.execute(
        "SELECT e.id, e.title, d.to_addr, d.member_id FROM deliveries d JOIN events e "
        "ON d.send_id IN (e.send_id, e.reminder_send_id) WHERE d.id = ?",
        [cmd.delivery_id]).fetchone()
    if row is None:
        return None
    event_id, title, to_addr, member_id = row
    if to_addr.casefold() != cmd.origin.email.casefold():
        return Result("sent to review", "review",
                      "a 'going' reply from an address the notice was not sent to")
    e = get(db, event_id)
    if e is not None and e["state"] == "cancelled":
        r.reply(to_addr, "member/going", {"title": title, "cancelled": True})
        return Result(f"'going' to event {event_id}, which is cancelled: told so",
                      member_id=member_id)
    cur = db.execute("INSERT OR IGNORE INTO event_rsvps (event_id, member_id, email, created_at) "
                     "VALUES (?, ?, ?, ?)", [event_id, member_id, to_addr, iso(now)])
    if cur.rowcount:
        r.reply(to_addr, "member/going", {"title": title, "cancelled": False})
    return Result(f"going to event {event_id} recorded", member_id=member_id)


def going_count(db: sqlite_utils.Database, event_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM event_rsvps WHERE event_id = ?",
                          [event_id]).fetchone()[0])


def reminder_time(e: dict[str, Any], hour: int = REMIND_HOUR) -> datetime:
    """When an event's reminder is due: the day before, at *hour* local time."""
    tz = ZoneInfo(e["timezone"])
    day = date.fromisoformat(e["local_date"]) - timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def remind_due(db: sqlite_utils.Database, now: datetime, r: Replier,
               hour: int = REMIND_HOUR) -> int:
    """Send the reminders that are due (joins the caller's transaction); how many went.

    An event approved after its reminder time needs none: its notice is fresh.
    """
    sent = 0
    for e in list(db.query("SELECT * FROM events WHERE state = 'scheduled' AND reminded_at IS "
                           "NULL AND starts_at > ? ORDER BY starts_at", [iso(now)])):
        due = reminder_time(e, hour)
        if now < due:
            continue
        db.execute("UPDATE events SET reminded_at = ? WHERE id = ?", [iso(now), e["id"]])
        if e["approved_at"] and parse(e["approved_at"]) >= due:
            continue
        hub = hubref.by_id(db, e["hub_id"])
        if hub is None:
            continue
        send_id = sends.create(db, NewSend(
            "list", "hub/event-reminder", e["title"], e["details"], hub.audience("each"),
            e["organiser"], {"event": template_event(e), "ics": ics_spec(e, now)},
            origin=f"event-reminder:{e['id']}"), now)
        _add_going(db, send_id, e["id"], now)
        db.execute("UPDATE events SET reminder_send_id = ? WHERE id = ?", [send_id, e["id"]])
        r.notify(e["organiser"], "officer/event-summary",
                 {"event": template_event(e), "hub_name": hub.name,
                  "going": going_count(db, e["id"]),
                  "reminded": sends.get(db, send_id).total}, hub_id=hub.id)
        sent += 1
    return sent


def _add_going(db: sqlite_utils.Database, send_id: int, event_id: int, now: datetime) -> None:
    """Those who said they are going get the mail too, whatever their delivery mode."""
    _add_members(db, send_id, "SELECT member_id FROM event_rsvps WHERE event_id = ?",
                 [event_id], now)


def _add_members(db: sqlite_utils.Database, send_id: int, ids_sql: str, params: list[object],
                 now: datetime) -> None:
    """Add the active members whose ids *ids_sql* selects to a send (each address once)."""
    db.execute("INSERT OR IGNORE INTO deliveries (send_id, member_id, to_addr, to_name, "
               f"next_attempt_at) SELECT ?, m.id, m.email, m.name, ? FROM members m WHERE m.id IN "
               f"({ids_sql}) AND m.state = 'active'", [send_id, iso(now), *params])
    total = db.execute("SELECT count(*) FROM deliveries WHERE send_id = ?", [send_id]).fetchone()
    db.execute("UPDATE sends SET total = ? WHERE id = ?", [int(total[0]), send_id])


def upcoming(db: sqlite_utils.Database, now: datetime, hub_slug: str | None = None,
             include_past: bool = False) -> list[dict[str, Any]]:
    """Events with their hub and going count, soonest first (for ``ftm events list``)."""
    sql = ("SELECT e.id, h.slug AS hub, e.title, e.local_date, e.local_start, e.venue, e.state, "
           "e.organiser, (SELECT count(*) FROM event_rsvps v WHERE v.event_id = e.id) AS going "
           "FROM events e JOIN hubs h ON h.id = e.hub_id WHERE 1")
    params: list[object] = []
    if not include_past:
        sql += " AND e.starts_at > ?"
        params.append(iso(now))
    if hub_slug:
        sql += " AND h.slug = ?"
        params.append(hub_slug)
    return list(db.query(sql + " ORDER BY e.starts_at", params))
