"""Calendar invitations: the .ics parses with icalendar, keeps local time across clock changes,
and travels as an attachment in single and bulk mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlite_utils
from icalendar import Calendar

from lists import outbox, sends
from lists.outbox import OutgoingMail
from lists.sends import NewSend
from lists.store import transaction
from mailer.bulk import BulkSender
from mailer.ics import attachments_for, event_ics
from tests.listhelp import attachment, text_of
from tests.mailhelp import START, Clock, add_hub, add_members, composer, deliverer, relay
from tests.servers import SmtpServer


def spec(day: str, start: str, end: str | None = "21:00") -> dict[str, object]:
    return {"uid": f"ftm-event-{day}@example.org", "title": "Hub meeting", "date": day,
            "start": start, "end": end, "timezone": "Europe/London",
            "venue": "Friends Meeting House, L1 9BY", "details": "Agenda: the winter plan",
            "stamp": "2026-09-01T10:00:00+00:00"}


@pytest.mark.parametrize("day, start, utc_hour", [
    ("2026-10-25", "19:00", 19),    # the evening after the clocks went back: GMT
    ("2026-10-24", "19:00", 18),    # the evening before: still BST
    ("2026-07-15", "19:00", 18),    # summer: BST
    ("2027-03-28", "10:00", 9),     # the morning the clocks go forward: BST again
    ("2027-01-20", "18:30", 18),    # winter
])
def test_ics_parses_with_the_right_local_time_across_clock_changes(
        day: str, start: str, utc_hour: int) -> None:
    # the event keeps its wall-clock time in Europe/London and the right UTC instant
    cal = Calendar.from_ical(event_ics(spec(day, start)))
    assert str(cal["method"]) == "PUBLISH" and str(cal["version"]) == "2.0"
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["tzid"]) == "Europe/London"
    (ev,) = cal.walk("VEVENT")
    assert ev["dtstart"].params["TZID"] == "Europe/London"
    begin, end = ev.decoded("dtstart"), ev.decoded("dtend")
    assert begin.strftime("%Y-%m-%d %H:%M") == f"{day} {start}"
    assert begin.astimezone(UTC).hour == utc_hour
    assert end > begin
    assert str(ev["uid"]) == f"ftm-event-{day}@example.org"
    assert str(ev["location"]) == "Friends Meeting House, L1 9BY"


def test_an_event_without_an_end_lasts_two_hours_and_text_is_escaped() -> None:
    # no end time: two hours; commas and semicolons in the place survive the round trip
    s = spec("2027-02-01", "19:00", None)
    s["venue"] = "St. Mary's Hall; side door, Back Lane"
    (ev,) = Calendar.from_ical(event_ics(s)).walk("VEVENT")
    assert (ev.decoded("dtend") - ev.decoded("dtstart")).total_seconds() == 7200
    assert str(ev["location"]) == "St. Mary's Hall; side door, Back Lane"


def test_no_ics_no_attachment() -> None:
    # mail without an event carries nothing extra
    assert attachments_for({"subject": "S"}) == ()


def test_outbox_mail_carries_the_invitation(db: sqlite_utils.Database,
                                            smtp_server: SmtpServer) -> None:
    # a single mail with an ics context: multipart/mixed, the words, then text/calendar
    with transaction(db):
        outbox.enqueue(db, OutgoingMail("hub/notice", "ann@example.org", "Ann",
                                        {"subject": "Meeting", "body": "Come along.",
                                         "ics": spec("2026-12-03", "19:00")}, kind="notice"),
                       START)
    deliverer(db, smtp_server).flush()
    (mail,) = smtp_server.sent_messages(1)
    msg = mail.message
    assert msg.get_content_type() == "multipart/mixed"
    assert "Come along." in text_of(mail)
    data = attachment(mail)
    assert data is not None
    (ev,) = Calendar.from_ical(data).walk("VEVENT")
    assert ev.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    part = [p for p in msg.walk() if p.get_content_type() == "text/calendar"][0]
    assert part.get_param("method") == "PUBLISH"


def test_bulk_mail_carries_the_same_invitation_to_everyone(db: sqlite_utils.Database,
                                                           smtp_server: SmtpServer) -> None:
    # a bulk send whose context has ics: every copy has it, with the same UID
    hub = add_hub(db, "leeds", "Leeds")
    add_members(db, 3, hub)
    with transaction(db):
        send_id = sends.create(db, NewSend("list", "hub/notice", "Meeting", "Come along.",
                                           "hub:leeds", "chair@example.org",
                                           {"ics": spec("2027-06-10", "18:00")}), START)
    BulkSender(db, relay(smtp_server), composer(), send_id, clock=Clock()).run()
    got = smtp_server.sent_messages(3)
    uids = set()
    for mail in got:
        data = attachment(mail)
        assert data is not None
        (ev,) = Calendar.from_ical(data).walk("VEVENT")
        uids.add(str(ev["uid"]))
        assert ev.decoded("dtstart").astimezone(UTC).hour == 17
    assert uids == {"ftm-event-2027-06-10@example.org"}
