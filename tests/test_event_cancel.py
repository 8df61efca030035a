"""Calling an event off: by the organiser's CANCEL reply or `ftm events cancel`.

Conversations through the one entry point, with the mail really delivered over SMTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from ftm.cli import cli as main
from lists import digests, events, migrations
from lists.replies import Replier
from lists.store import open_db, transaction
from tests.listhelp import (
    CHAIR,
    EVENT,
    HUB_ADDRESS,
    Network,
    attachment,
    hub_network,
    reply_to,
    text_of,
)
from tests.servers import ReceivedMail, SmtpServer


@pytest.fixture
def net(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Network]:
    network = hub_network(tmp_path / "d", smtp_server)
    yield network
    network.app.close()


def approved_event(net: Network) -> tuple[ReceivedMail, dict[str, list[ReceivedMail]]]:
    """The chair's event, checked and approved: (the chair's 'approved' mail, the notices)."""
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    net.deliver(reply_to(check, CHAIR, "Approve"))
    got = net.mail_to(3)
    (approved,) = got.pop(CHAIR)
    assert "CANCEL" in text_of(approved) and "+approve-" in str(approved.message["Reply-To"])
    return approved, got


def event_row(net: Network) -> dict[str, object]:
    (row,) = net.app.db().query("SELECT * FROM events")
    return row


def test_organiser_cancels_by_reply_and_everyone_told_hears_it_is_off(net: Network) -> None:
    # approved -> Ann says going -> the weekly digest lists it for Dee -> the chair replies
    # CANCEL with a line for members -> Ann, Bo (notice) and Dee (digest) get a cancellation
    # with METHOD:CANCEL for the same UID; no reminder, no digest entry, "going" told it's off
    approved, notices = approved_event(net)
    uid = str(Calendar.from_ical(attachment(notices["ann@example.org"][0]) or b"")
              .walk("VEVENT")[0]["uid"])
    net.deliver(reply_to(notices["ann@example.org"][0], "ann@example.org", "Going!"))
    net.mail(1)
    db = net.app.db()
    with transaction(db):
        digests.make_due(db, datetime.now(UTC), "Europe/London")
    (digest,) = net.mail(1)
    assert digest.rcpt_tos == ["dee@example.org"]

    out = net.deliver(reply_to(approved, CHAIR, "CANCEL - the hall has flooded, new date soon"))
    assert out.action == "event 1 cancelled: 3 member(s) told", out
    got = net.mail_to(4)
    assert set(got) == {"ann@example.org", "bo@example.org", "dee@example.org", CHAIR}
    off = got["bo@example.org"][0]
    assert str(off.message["Subject"]).startswith("Cancelled: Autumn hub meeting")
    assert "the hall has flooded" in text_of(off)
    cal = Calendar.from_ical(attachment(off) or b"")
    ev = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "CANCEL" and str(ev["status"]) == "CANCELLED"
    assert str(ev["uid"]) == uid and int(ev["sequence"]) == 1
    assert "3 member(s)" in text_of(got[CHAIR][0])
    row = event_row(net)
    assert row["state"] == "cancelled" and row["cancelled_at"]

    # nothing more follows: no reminder, no digest entry; "going" is told it is off
    later = datetime(2027, 10, 30, 12, tzinfo=UTC)
    with transaction(db):
        assert events.remind_due(db, later, Replier(db, later, 10, b"k")) == 0
    assert digests.items(db, int(str(row["hub_id"])), datetime.now(UTC)) == []
    out = net.deliver(reply_to(notices["bo@example.org"][0], "bo@example.org", "going"))
    assert "cancelled: told so" in out.action, out
    (told,) = net.mail(1)
    assert "called off" in text_of(told)
    assert events.going_count(db, 1) == 1
    # the same CANCEL again (a client resends it) changes nothing and tells nobody twice
    out = net.deliver(reply_to(approved, CHAIR, "CANCEL"))
    assert "already used" in out.action, out
    net.mail(1)
    net.nothing_more()


def test_a_reply_that_does_not_say_cancel_goes_to_a_person_and_the_code_still_works(
        net: Network) -> None:
    # "thanks!" or "can we move it to 8pm?" in reply to the approved mail: review, no change;
    # "no need to cancel" is not a cancel; a later CANCEL still works
    approved, _ = approved_event(net)
    for text in ("Thanks, that's great!", "Can we move it to 8pm instead?",
                 "No need to cancel anything, all good"):
        out = net.deliver(reply_to(approved, CHAIR, text))
        assert out.folder == "review" and "does not ask to cancel" in out.reason, out
    assert event_row(net)["state"] == "scheduled"
    net.nothing_more()
    out = net.deliver(reply_to(approved, CHAIR, "Sorry all, we've had to call it off."))
    assert "cancelled" in out.action, out
    assert len(net.mail_to(3)) == 3


def test_cancel_code_used_from_another_address_does_nothing(net: Network) -> None:
    # someone who saw the chair's mail: their CANCEL goes to review and tells nobody
    approved, _ = approved_event(net)
    out = net.deliver(reply_to(approved, "mallory@example.net", "CANCEL"))
    assert out.folder == "review", out
    assert event_row(net)["state"] == "scheduled"
    net.nothing_more()


def test_cancel_from_the_shell_before_approval_tells_only_the_organiser(
        net: Network, tmp_path: Path) -> None:
    # an event still awaiting its approval: `ftm events cancel` drops it (nobody else was
    # told); the pending approval code is void; a second cancel fails and says why
    net.write(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT)
    (check,) = net.mail(1)
    config = net.app.config_path
    assert config is not None
    runner = CliRunner()
    res = runner.invoke(main, ["--config", config, "events", "cancel", "1", "--yes"])
    assert res.exit_code == 0, res.output
    assert "event 1 cancelled: 0 member(s) told" in res.output
    net.app.close()
    (told,) = net.mail(1)
    assert told.rcpt_tos == [CHAIR] and "nobody needs telling" in text_of(told)
    out = net.deliver(reply_to(check, CHAIR, "Approve"))
    assert "already used" in out.action, out
    net.mail(1)
    res = runner.invoke(main, ["--config", config, "events", "cancel", "1", "--yes"])
    assert res.exit_code == 1 and "already cancelled" in res.output, res.output
    res = runner.invoke(main, ["--config", config, "events", "cancel", "9", "--yes"])
    assert res.exit_code != 0 and "no event 9" in res.output, res.output
    assert sum(1 for _ in net.app.db().query("SELECT id FROM sends")) == 0
    net.nothing_more()


def test_an_event_that_has_started_is_not_cancelled(net: Network) -> None:
    approved_event(net)
    db = net.app.db()
    start = events.local_to_utc("2027-10-31", "19:00", "Europe/London")
    with transaction(db):
        r = Replier(db, start, 10, b"k")
        assert "already started" in events.cancel(db, 1, "x", start, r).action
    assert event_row(net)["state"] == "scheduled"


def test_migration_keeps_events_and_going_replies(tmp_path: Path) -> None:
    # a store made before events could be cancelled: its events and their "going" rows
    # survive the rebuild, and the reference from event_rsvps still holds
    db = open_db(str(tmp_path / "old.db"))
    migrations.MIGRATIONS.apply(db, stop_before="0900_event_cancellation")
    now = "2027-01-01T00:00:00Z"
    with transaction(db):
        db.execute("INSERT INTO hubs (slug, name, created_at, updated_at) "
                   "VALUES ('h', 'H', ?, ?)", [now, now])
        db.execute("INSERT INTO events (hub_id, uid, title, local_date, local_start, timezone, "
                   "starts_at, venue, organiser, state, created_at) VALUES (1, 'u', 'T', "
                   "'2027-02-01', '19:00', 'Europe/London', '2027-02-01T19:00:00Z', 'Hall', "
                   "'o@example.org', 'scheduled', ?)", [now])
        db.execute("INSERT INTO event_rsvps (event_id, email, created_at) "
                   "VALUES (1, 'a@example.org', ?)", [now])
    assert migrations.apply(db)[:1] == ["0900_event_cancellation"]   # and any later ones
    assert db.execute("SELECT state, cancelled_at FROM events").fetchall() == [
        ("scheduled", None)]
    assert db.execute("SELECT email FROM event_rsvps").fetchall() == [("a@example.org",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with transaction(db):
        db.execute("UPDATE events SET state = 'cancelled'")
        db.execute("DELETE FROM events")
    assert db.execute("SELECT count(*) FROM event_rsvps").fetchone() == (0,)
    db.close()


def test_cancel_answers_read_from_what_people_write() -> None:
    from inbox.answers import cancel_note, cancels
    assert cancels("CANCEL")
    assert cancels("cancelled i'm afraid")
    assert cancels("We have to postpone, the speaker is ill")
    assert cancels("It's not going ahead, sorry")
    assert not cancels("Thanks!")
    assert not cancels("Don't cancel it, just checking the time")
    assert not cancels("This isn't cancelled, is it?")
    assert cancel_note("CANCEL\n\nThe hall flooded.") == "The hall flooded."
    assert cancel_note("cancel") == ""
