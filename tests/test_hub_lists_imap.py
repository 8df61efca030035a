"""Each hub-list flow through the real Dovecot inbox and the daemon's `ftm run --once` drain.

People's mail is APPENDed to the network's mailbox on the private Dovecot; the daemon
(``ftm.daemon.run(app, once=True)``, what `ftm run --once` calls) files it, applies it,
runs its jobs (event reminders, digests, bulk sends, the outbox) and the answers reach
the ``smtp_server`` fixture. The people then answer those answers the same way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from icalendar import Calendar

from ftm import daemon
from ftm.app import App
from lists import officers
from lists.clock import utcnow
from lists.store import transaction
from tests.conftest import write_deployment
from tests.listhelp import (
    BULLETIN_ADDRESS,
    CHAIR,
    HUB_ADDRESS,
    STEERING,
    attachment,
    raw_mail,
    reply_to,
    text_of,
)
from tests.servers import ImapAccount, ReceivedMail, SmtpServer

EVENT = ("Date: Sunday 31 October 2027\nTime: 7pm to 9pm\n"
         "Where: Quaker Meeting House, 22 School Lane, L1 3BT\n\nAll welcome.\n")


class Deployment:
    """A deployment watching *acct* and sending through *smtp*; `run()` is `ftm run --once`."""

    def __init__(self, tmp_path: Path, acct: ImapAccount, smtp: SmtpServer,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.config = write_deployment(
            tmp_path / "deploy",
            imap={"enabled": True, "host": "127.0.0.1", "port": acct.port, "security": "none",
                  "username": acct.user, "idle": False, "poll_seconds": 1},
            smtp={"port": smtp.port})
        monkeypatch.setenv("FTM_IMAP_PASSWORD", acct.password)
        self.acct, self.smtp, self.seen = acct, smtp, 0
        self.db_path = self.config.parent / "ftm.db"
        app = App(str(self.config))
        from lists.hubs import load_hubs
        from lists.hubsync import sync_hubs
        sync_hubs(app.db(), load_hubs(app.settings.paths.hubs_file), utcnow(), apply=True,
                  notify=False)
        with transaction(app.db()):
            officers.set_officer(app.db(), "steering", STEERING, utcnow())
        app.close()
        for email, name, hub, delivery in (("ann@example.org", "Ann", "liverpool-south", "each"),
                                           ("bo@example.org", "Bo", "liverpool-south", "each"),
                                           ("dee@example.org", "Dee", "liverpool-south",
                                            "digest"),
                                           ("mo@example.org", "Mo", "manchester", "each")):
            self.sql("INSERT INTO members (email, name, postcode, state, hub_id, delivery, "
                     "created_at, updated_at) SELECT ?, ?, 'L8 1AB', 'active', id, ?, "
                     "'2026-01-01', '2026-01-01' FROM hubs WHERE slug = ?",
                     email, name, delivery, hub)

    def sql(self, statement: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db_path, timeout=10) as c:
            return list(c.execute(statement, params))

    def append(self, raw: bytes) -> None:
        self.acct.append(raw)

    def run(self) -> None:
        app = App(str(self.config))
        try:
            assert daemon.run(app, once=True) == 0
        finally:
            app.close()

    def mail(self, expected: int) -> dict[str, list[ReceivedMail]]:
        got = self.smtp.sent_messages(self.seen + expected)[self.seen:]
        self.seen += expected
        out: dict[str, list[ReceivedMail]] = {}
        for m in got:
            out.setdefault(m.rcpt_tos[0], []).append(m)
        return out

    def folder_counts(self) -> dict[str, int]:
        c = self.acct.client()
        try:
            out = {}
            for flags, _d, name in c.list_folders():
                if b"\\Noselect" not in flags:
                    c.select_folder(name, readonly=True)
                    out[name] = len(c.search(["NOT", "DELETED"]))
            return out
        finally:
            c.logout()


@pytest.fixture
def dep(tmp_path: Path, imap_server: ImapAccount, smtp_server: SmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> Deployment:
    return Deployment(tmp_path, imap_server, smtp_server, monkeypatch)


def test_event_notice_through_the_inbox(dep: Deployment) -> None:
    # chair's event -> check with code -> approval -> notices with .ics to each-message
    # members -> Ann replies "going" -> counted; every message filed under processed
    dep.append(raw_mail(CHAIR, HUB_ADDRESS, "Autumn hub meeting", EVENT))
    dep.run()
    (check,) = dep.mail(1)[CHAIR]
    assert "19:00" in text_of(check)
    dep.append(reply_to(check, CHAIR, "APPROVE"))
    dep.run()
    got = dep.mail(3)
    assert set(got) == {"ann@example.org", "bo@example.org", CHAIR}
    ics = attachment(got["ann@example.org"][0])
    assert ics is not None
    start = Calendar.from_ical(ics).walk("VEVENT")[0].decoded("dtstart")
    assert (start.hour, start.utcoffset().total_seconds()) == (19, 0)
    dep.append(reply_to(got["ann@example.org"][0], "ann@example.org", "Going, thanks!"))
    dep.run()
    assert set(dep.mail(1)) == {"ann@example.org"}
    assert dep.sql("SELECT count(*) FROM event_rsvps") == [(1,)]
    assert dep.folder_counts().get("ftm/processed") == 3


def test_posts_and_digest_through_the_inbox(dep: Deployment) -> None:
    # a stranger's post waits (nobody gets it) -> the chair approves by reply -> the
    # each-message members get it -> at the next digest time Dee gets it in the digest, once
    dep.append(raw_mail("stranger@example.net", HUB_ADDRESS, "Housing rights meeting",
                        "Your members are welcome at our housing rights meeting."))
    dep.run()
    asks = dep.mail(2)
    assert set(asks) == {CHAIR, "members.liverpool-south@example.org"}
    assert dep.sql("SELECT count(*) FROM sends") == [(0,)]
    dep.append(reply_to(asks[CHAIR][0], CHAIR, "Approve"))
    dep.run()
    got = dep.mail(3)
    assert set(got) == {"ann@example.org", "bo@example.org", CHAIR}
    # the clock moves on to the hub's next digest time
    dep.sql("UPDATE digests SET created_at = '2020-01-01T00:00:00.000000+00:00'")
    dep.run()
    (digest,) = dep.mail(1)["dee@example.org"]
    assert text_of(digest).count("Your members are welcome") == 1
    dep.sql("UPDATE digests SET created_at = '2020-01-01T00:00:00.000000+00:00'")
    dep.run()
    assert len(dep.smtp.messages) == dep.seen   # nothing new: no digest


def test_bulletin_through_the_inbox_forged_then_approved_twice(dep: Deployment) -> None:
    # a bulletin with the steering address in From -> only a preview, to the real holder;
    # its approval reply arrives twice -> one send, one copy each, then the final report
    dep.append(raw_mail(STEERING, BULLETIN_ADDRESS, "Day of action",
                        "Audience: hub:liverpool-south\n\nFriends, join us on 6 March."))
    dep.run()
    (preview,) = dep.mail(1)[STEERING]
    assert "3 member(s)" in text_of(preview)
    assert dep.sql("SELECT count(*) FROM sends") == [(0,)]
    approval = reply_to(preview, STEERING, "Approve")
    dep.append(approval)
    dep.append(approval)
    dep.run()
    got = dep.mail(5)   # three members, the confirmation and the final report
    assert set(got) == {"ann@example.org", "bo@example.org", "dee@example.org", STEERING}
    assert all(len(v) == 1 for k, v in got.items() if k != STEERING)
    assert dep.sql("SELECT count(*) FROM sends") == [(1,)]
    subjects = sorted(str(m.message["Subject"]) for m in got[STEERING])
    assert subjects == ["Approved: your bulletin", "Sent: Day of action"]
