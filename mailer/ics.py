"""Calendar invitations: an event as an ``.ics`` attachment (iCalendar, RFC 5545).

Built with the ``icalendar`` library: a ``VCALENDAR`` with ``METHOD:PUBLISH`` (a
notice, not a meeting request that expects answers), the network's time zone as a
``VTIMEZONE`` generated from the system's zone data, and one ``VEVENT`` whose
``DTSTART``/``DTEND`` carry that ``TZID``, so a calendar shows 19:00 as 19:00 on
either side of a clock change. The ``UID`` is the event's own, stable across
the notice and the reminder, so a calendar updates the entry instead of doubling it.

A mail asks for one by its context key ``ics`` (see ``attachments_for``)::

    {"uid": "...@example.org", "title": "Hub meeting", "date": "2026-10-25",
     "start": "19:00", "end": "21:00", "timezone": "Europe/London",
     "venue": "Quaker Meeting House, L1 1AA", "details": "...", "stamp": ISO}

A called-off event adds ``"method": "CANCEL"`` and ``"sequence": 1``: the same UID
with ``METHOD:CANCEL`` and ``STATUS:CANCELLED`` takes the entry out of a calendar that
took the invitation (RFC 5546, section 3.2.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from lists.clock import parse
from mailer.mime import Attachment

PRODID = "-//For the Many//ftm//EN"
DEFAULT_LENGTH = timedelta(hours=2)   # an event without an end time


def local_start(spec: Mapping[str, Any]) -> datetime:
    """The event's start as an aware datetime in its own time zone."""
    tz = ZoneInfo(str(spec["timezone"]))
    d = date.fromisoformat(str(spec["date"]))
    return datetime.combine(d, time.fromisoformat(str(spec["start"])), tzinfo=tz)


def local_end(spec: Mapping[str, Any]) -> datetime:
    start = local_start(spec)
    if spec.get("end"):
        end = datetime.combine(start.date(), time.fromisoformat(str(spec["end"])),
                               tzinfo=start.tzinfo)
        return end if end > start else end + timedelta(days=1)
    return start + DEFAULT_LENGTH


def method_of(spec: Mapping[str, Any]) -> str:
    """``PUBLISH`` (a notice or reminder) or ``CANCEL`` (the event is called off)."""
    method = str(spec.get("method") or "PUBLISH").upper()
    if method not in ("PUBLISH", "CANCEL"):
        raise ValueError(f"an invitation is PUBLISH or CANCEL, not {method!r}")
    return method


def event_ics(spec: Mapping[str, Any]) -> bytes:
    """The ``.ics`` bytes for one event (see the module docstring for *spec*)."""
    start = local_start(spec)
    method = method_of(spec)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("calscale", "GREGORIAN")
    # the zone's rules around the event only: a few lines, not fifty years of them
    cal.add_component(Timezone.from_tzid(str(spec["timezone"]),
                                         first_date=start.date() - timedelta(days=400),
                                         last_date=start.date() + timedelta(days=400)))
    ev = Event()
    ev.add("uid", str(spec["uid"]))
    ev.add("dtstamp", parse(str(spec["stamp"])))
    ev.add("dtstart", start)
    ev.add("dtend", local_end(spec))
    ev.add("summary", str(spec["title"]))
    ev.add("location", str(spec["venue"]))
    if spec.get("details"):
        ev.add("description", str(spec["details"]))
    ev.add("sequence", int(spec.get("sequence", 0)))
    ev.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    cal.add_component(ev)
    return cal.to_ical()


def attachments_for(context: Mapping[str, Any]) -> tuple[Attachment, ...]:
    """What a mail's context asks to attach: an invitation for ``ics``, else nothing."""
    spec = context.get("ics")
    if not spec:
        return ()
    return (Attachment("text/calendar", "invite.ics", event_ics(spec),
                       (("method", method_of(spec)),)),)
