"""Hub lists as conversations through the one entry point, mail really delivered over SMTP.

Events (checked with the officer, sent with an invitation, "going", the reminder),
posts (members, non-members, officers' approval), digests and delivery modes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ftm.app import App
from lists import digests, events, members
from lists.clock import iso, parse
from lists.replies import Replier
from lists.store import transaction
from tests.listhelp import (
    CHAIR,
    EVENT,
    HUB,
    HUB_ADDRESS,
    Network,
    attachment,
    dkim_pass,
    hub_network,
    reply_to,
    text_of,
)
from tests.servers import SmtpServer


@pytest.fixture
def net(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Network]:
    network = hub_network(tmp_path / "d", smtp_server)
    yield network
    network.app.close()


def sends_count(app: App) -> int:
    return int(app.db().execute("SELECT count(*) FROM sends").fetchone()[0])


def test_event_checked_approved_sent_with_invitation_then_going_and_reminder(
        net: Network) -> None:
    # chair mails an event -> check with code -> approve -> each-message members get it
    # with an .ics (19:00 local after the clocks go back = 19:00 UTC) -> "going" -> reminder
    out = net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    assert out.intent == "event" and "awaits" in out.action, out
    (check,) = net.mail(1)
    assert check.rcpt_tos == [CHAIR]
    assert "+approve-" in str(check.message["Reply-To"])
    body = text_of(check)
    assert "2027-10-31" in body and "19:00" in body and "Quaker Meeting House" in body
    assert sends_count(net.app) == 0
    out = net.deliver(reply_to(check, CHAIR, "Approve, thank you"))
    assert "approved" in out.action, out
    got = net.mail_to(3)   # two each-message members, and the chair's confirmation
    assert set(got) == {"ann@example.org", "bo@example.org", CHAIR}
    notice = got["ann@example.org"][0]
    assert "Autumn hub meeting" in str(notice.message["Subject"])
    assert str(notice.message["List-Id"]).startswith('"Liverpool South"')
    ics = attachment(notice)
    assert ics is not None
    cal = Calendar.from_ical(ics)
    assert str(cal["method"]) == "PUBLISH" and cal.walk("VTIMEZONE")
    ev = cal.walk("VEVENT")[0]
    start = ev.decoded("dtstart")
    assert ev["dtstart"].params["TZID"] == "Europe/London"
    assert (start.hour, start.minute) == (19, 0)
    assert start.astimezone(UTC).hour == 19          # GMT: the clocks went back that morning
    uid = str(ev["uid"])
    # a member says they are going; a second "going" is not counted twice
    out = net.deliver(reply_to(notice, "ann@example.org", "Going! See you there."))
    assert out.action.startswith("going to event"), out
    net.deliver(reply_to(notice, "ann@example.org", "going"))
    (thanks,) = net.mail(1)
    assert thanks.rcpt_tos == ["ann@example.org"]
    db = net.app.db()
    (e,) = events.upcoming(db, datetime.now(UTC))
    assert e["going"] == 1 and e["state"] == "scheduled"
    # the day before at 09:00 local: reminder to each-message members and the one going,
    # and the organiser hears the count (the clock moves: the event is now tomorrow)
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Europe/London"))
    tomorrow = (local + timedelta(days=0 if local.hour < 10 else 1)).date()   # due already
    db.execute("UPDATE events SET local_date = ?, local_start = '23:30', starts_at = ?, "
               "approved_at = ? WHERE id = ?",
               [tomorrow.isoformat(), iso(events.local_to_utc(tomorrow.isoformat(), "23:30",
                                                              "Europe/London")),
                iso(now - timedelta(days=3)), e["id"]])
    db.conn.commit()
    row = events.get(db, e["id"])
    assert row is not None
    due = events.reminder_time(row)
    assert due < parse(row["starts_at"])
    with transaction(db):
        r = Replier(db, now, 10, b"k")
        assert events.remind_due(db, due - timedelta(minutes=1), r) == 0
        assert due <= now
        assert events.remind_due(db, now, r) == 1
        assert events.remind_due(db, now + timedelta(hours=1), r) == 0
    got = net.mail_to(3)
    assert set(got) == {"ann@example.org", "bo@example.org", CHAIR}
    assert "1 going" in str(got[CHAIR][0].message["Subject"])
    reminder_ics = attachment(got["bo@example.org"][0])
    assert reminder_ics is not None
    assert str(Calendar.from_ical(reminder_ics).walk("VEVENT")[0]["uid"]) == uid
    net.nothing_more()


def test_event_without_a_place_is_asked_back_not_guessed(net: Network) -> None:
    # date and time but no place: the officer is asked; no event is stored, nothing sent
    out = net.write(CHAIR, HUB_ADDRESS, "Committee meeting",
                    "Date: 4 November 2027\nTime: 7.30pm\n\nAgenda to follow.\n")
    assert "unclear" in out.action and "the place" in out.action, out
    (ask,) = net.mail(1)
    assert ask.rcpt_tos == [CHAIR] and "the place" in text_of(ask)
    assert net.app.db()["events"].count == 0
    out = net.write(CHAIR, HUB_ADDRESS, "Social", "Date: sometime soon\nWhere: the pub\n\nCome.")
    assert "unclear" in out.action and "the date" in out.action, out
    net.mail(1)
    net.nothing_more()


def test_event_rejected_by_the_officer_goes_nowhere(net: Network) -> None:
    # the officer answers REJECT: nothing is sent; a later APPROVE with the same code is void
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    out = net.deliver(reply_to(check, CHAIR, "Reject - wrong date"))
    assert "rejected" in out.action, out
    net.mail(1)
    out = net.deliver(reply_to(check, CHAIR, "Sorry, approve after all"))
    assert "already used" in out.action, out
    net.mail(1)
    assert sends_count(net.app) == 0


def test_unclear_approval_is_asked_again_and_the_code_still_works(net: Network) -> None:
    # "wait, is the time right?" is not a yes: asked again; then APPROVE sends
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    out = net.deliver(reply_to(check, CHAIR, "Wait, is the time right?"))
    assert "asked again" in out.action, out
    (again,) = net.mail(1)
    assert "APPROVE or REJECT" in text_of(again)
    assert sends_count(net.app) == 0
    net.deliver(reply_to(check, CHAIR, "approve"))
    assert len(net.mail_to(3)) == 3


def test_event_from_someone_without_a_role_is_an_ordinary_post(net: Network) -> None:
    # a member (no role) mails an event to the hub: it is a post, confirmed by round trip
    out = net.write("ann@example.org", HUB_ADDRESS, "Autumn hub meeting", EVENT)
    assert "asked to confirm" in out.action, out
    (confirm,) = net.mail(1)
    assert confirm.rcpt_tos == ["ann@example.org"]
    assert net.app.db()["events"].count == 0
    out = net.deliver(reply_to(confirm, "ann@example.org", "Approve"))
    assert "approved" in out.action, out
    got = net.mail_to(2)
    assert set(got) == {"ann@example.org", "bo@example.org"}
    assert attachment(got["bo@example.org"][0]) is None


def test_member_post_with_trusted_dkim_goes_to_each_message_members_only(net: Network) -> None:
    # DKIM pass from our own provider: sent at once, to each-message members, not to the
    # digest reader, not to another hub's member
    out = net.write("bo@example.org", HUB_ADDRESS, "Leaflets on Saturday?",
                    "Can anyone help deliver leaflets on Saturday morning?\n\nBo",
                    headers=dkim_pass("bo@example.org"))
    assert "sent to 2 member(s)" in out.action, out
    got = net.mail_to(2)
    assert set(got) == {"ann@example.org", "bo@example.org"}
    assert "Can anyone help deliver leaflets" in text_of(got["ann@example.org"][0])
    net.nothing_more()


def test_dkim_claimed_by_another_authserv_id_counts_for_nothing(net: Network) -> None:
    # a forged Authentication-Results (someone else's authserv-id): the member must confirm
    out = net.write("bo@example.org", HUB_ADDRESS, "Leaflets on Saturday?",
                    "Can anyone help deliver leaflets on Saturday morning?\n\nBo",
                    headers=dkim_pass("bo@example.org", "mx.evil.test"))
    assert "asked to confirm" in out.action, out
    (confirm,) = net.mail(1)
    assert confirm.rcpt_tos == ["bo@example.org"]
    net.nothing_more()


def test_non_member_post_reaches_nobody_until_an_officer_approves(net: Network) -> None:
    # a stranger's post is held; the hub's officers are asked; nobody gets it until one
    # approves; the other officer's code is then void
    out = net.write("stranger@example.net", HUB_ADDRESS, "Housing meeting",
                    "We are holding a housing rights meeting, your members are welcome.")
    assert "held for approval" in out.action, out
    got = net.mail_to(2)   # the chair and the membership secretary
    assert set(got) == {CHAIR, "members.liverpool-south@example.org"}
    assert "stranger@example.net" in text_of(got[CHAIR][0])
    net.nothing_more()
    out = net.deliver(reply_to(got[CHAIR][0], CHAIR, "Approved"))
    assert "approved" in out.action, out
    assert set(net.mail_to(3)) == {"ann@example.org", "bo@example.org", CHAIR}
    out = net.deliver(reply_to(got["members.liverpool-south@example.org"][0],
                               "members.liverpool-south@example.org", "Reject"))
    assert "already" in out.action, out
    net.mail(1)
    net.nothing_more()


def test_non_member_post_rejected_reaches_nobody(net: Network) -> None:
    # the officer rejects: nobody ever gets the post, and the digest does not list it
    net.write("spammy@example.net", HUB_ADDRESS, "Great offer", "Buy our leaflets printing.")
    got = net.mail_to(2)
    out = net.deliver(reply_to(got[CHAIR][0], CHAIR, "reject"))
    assert "rejected" in out.action, out
    net.mail(1)
    db = net.app.db()
    hub_id = db.execute("SELECT id FROM hubs WHERE slug = ?", [HUB]).fetchone()[0]
    assert digests.items(db, hub_id, datetime.now(UTC)) == []
    net.nothing_more()


def test_approval_code_from_another_address_does_nothing(net: Network) -> None:
    # someone who saw the chair's approval mail and uses its code from their own address
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    out = net.deliver(reply_to(check, "mallory@example.net", "Approve"))
    assert out.folder == "review", out
    out = net.deliver(reply_to(check, "ann@example.org", "Approve",
                               headers=dkim_pass("ann@example.org")))
    assert out.folder == "review", out
    assert sends_count(net.app) == 0
    net.nothing_more()


def test_digest_has_each_item_once_events_first_never_empty(net: Network) -> None:
    # a post and an event -> the weekly digest goes to the digest reader only, event first;
    # the next week's digest has nothing new and is not sent
    net.write("bo@example.org", HUB_ADDRESS, "Leaflets on Saturday?",
              "Can anyone help deliver leaflets on Saturday morning?",
              headers=dkim_pass("bo@example.org"))
    net.mail(2)
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    net.deliver(reply_to(check, CHAIR, "Approve"))
    net.mail(3)
    db = net.app.db()
    now = datetime.now(UTC)
    with transaction(db):
        made = digests.make_due(db, now, "Europe/London")
    assert len(made) == 1   # Liverpool South; the other hubs had nothing
    (digest,) = net.mail(1)
    assert digest.rcpt_tos == ["dee@example.org"]
    text = text_of(digest)
    assert text.index("Autumn hub meeting") < text.index("Leaflets on Saturday?")
    assert text.count("Can anyone help deliver leaflets") == 1
    with transaction(db):
        assert digests.make_due(db, now + timedelta(days=8), "Europe/London") == []
        assert digests.make_due(db, now + timedelta(days=15), "Europe/London") == []
    net.nothing_more()


def test_digest_slot_is_daily_or_monday_morning() -> None:
    # the digest's turn: 08:00 London time each day, or on Mondays for weekly hubs
    wed = datetime(2027, 7, 14, 12, 0, tzinfo=UTC)      # a Wednesday, BST
    assert digests.slot("daily", wed, "Europe/London") == datetime(2027, 7, 14, 7, 0, tzinfo=UTC)
    assert digests.slot("weekly", wed, "Europe/London") == datetime(2027, 7, 12, 7, 0,
                                                                    tzinfo=UTC)
    early = datetime(2027, 1, 13, 7, 59, tzinfo=UTC)    # before 08:00 GMT: yesterday's slot
    assert digests.slot("daily", early, "Europe/London") == datetime(2027, 1, 12, 8, 0,
                                                                     tzinfo=UTC)


def test_digest_and_reminder_times_follow_the_settings() -> None:
    # [lists] digest_hour = 18, digest_weekday = "friday", event_reminder_hour = 17
    wed = datetime(2027, 7, 14, 20, 0, tzinfo=UTC)      # a Wednesday, 21:00 BST
    assert digests.slot("daily", wed, "Europe/London", 18) == datetime(2027, 7, 14, 17, 0,
                                                                       tzinfo=UTC)
    assert digests.slot("weekly", wed, "Europe/London", 18, 4) == datetime(2027, 7, 9, 17, 0,
                                                                           tzinfo=UTC)
    e = {"timezone": "Europe/London", "local_date": "2027-01-20"}
    assert events.reminder_time(e, 17) == datetime(2027, 1, 19, 17, 0, tzinfo=UTC)
    assert events.reminder_time(e) == datetime(2027, 1, 19, 9, 0, tzinfo=UTC)


def test_digest_reader_gets_no_single_posts_and_can_switch_by_email(net: Network) -> None:
    # Dee (digest) gets no post; Ann asks for the digest by email, then gets none either;
    # Dee asks for every message and gets the next one
    out = net.write("ann@example.org", "forthemany.network@gmail.com", "Mail settings",
                    "Hello, please send me the weekly digest instead of every email. Ann")
    assert out.action == "delivery set to digest", out
    (ok,) = net.mail(1)
    assert "digest" in str(ok.message["Subject"])
    out = net.write("dee@example.org", HUB_ADDRESS, "mail",
                    "Could you switch me back to every message please?")
    assert out.action == "delivery set to each", out
    net.mail(1)
    net.write("bo@example.org", HUB_ADDRESS, "Leaflets", "Help with leaflets please.",
              headers=dkim_pass("bo@example.org"))
    assert set(net.mail_to(2)) == {"bo@example.org", "dee@example.org"}
    m = members.find(net.app.db(), "ann@example.org")
    assert m is not None and m.delivery == "digest"


def test_erasure_removes_posts_rsvps_and_roles(net: Network) -> None:
    # a member who posted and an officer are erased: their posts and roles go; the hub's
    # event stays, no longer naming them
    from lists import erasure
    net.write("bo@example.org", HUB_ADDRESS, "Leaflets", "Help with leaflets please.",
              headers=dkim_pass("bo@example.org"))
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    net.mail(3)
    db = net.app.db()
    with transaction(db):
        erasure.erase(db, "bo@example.org", datetime.now(UTC), b"k")
        erasure.erase(db, CHAIR, datetime.now(UTC), b"k")
    assert db.execute("SELECT count(*) FROM hub_posts").fetchone()[0] == 0
    assert db.execute("SELECT organiser FROM events").fetchall() == [("erased",)]
    assert db.execute("SELECT count(*) FROM officers WHERE email = ?", [CHAIR]).fetchone()[0] == 0
