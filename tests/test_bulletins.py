"""National bulletins: only the steering group, only after the one-time code comes back, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ftm import mailing
from ftm.sending import run_sends
from ftm.wiring import policy as rules
from lists import officers
from lists.store import transaction
from tests.listhelp import (
    BULLETIN_ADDRESS,
    STEERING,
    Network,
    add_member,
    deploy,
    dkim_pass,
    raw_mail,
    reply_to,
    text_of,
)
from tests.mailhelp import Clock
from tests.servers import SmtpServer

BODY = "Audience: region:North West\n\nFriends,\n\nThe national day of action is on 6 March.\n"


@pytest.fixture
def net(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Network]:
    app = deploy(tmp_path / "d", smtp_server)
    db = app.db()
    with transaction(db):
        officers.set_officer(db, "steering", STEERING, datetime.now(UTC))
    add_member(app, "ann@example.org", "Ann Lee")                        # L8: North West
    add_member(app, "bo@example.org", "Bo Khan")
    add_member(app, "mo@example.org", "Mo Manc", hub="manchester")
    add_member(app, "gus@example.org", "Gus", hub="scotland")
    db.execute("UPDATE members SET postcode = 'G1 1AA' WHERE email = 'gus@example.org'")
    db.conn.commit()
    yield Network(app, smtp_server)
    app.close()


def sends(net: Network) -> int:
    return int(net.app.db().execute("SELECT count(*) FROM sends").fetchone()[0])


def test_forged_bulletin_never_starts_a_send(net: Network) -> None:
    # steering address in From, no trusted DKIM, no approval: the preview goes to the real
    # steering member; a forged Authentication-Results from another authserv-id changes
    # nothing; a forged approval (a made-up code) changes nothing; nobody gets a bulletin
    out = net.write(STEERING, BULLETIN_ADDRESS, "Day of action", BODY)
    assert "awaits approval" in out.action, out
    out = net.write(STEERING, BULLETIN_ADDRESS, "Day of action!", BODY,
                    headers=dkim_pass(STEERING, "mx.evil.test"))
    assert "awaits approval" in out.action, out
    previews = net.mail(2)
    assert all(m.rcpt_tos == [STEERING] for m in previews)
    forged = "forthemany.network+approve-AAAAAAAAAAAAAAAAAAAAAAAA@gmail.com"
    out = net.write(STEERING, forged, "Re: Approve", "Approve")
    assert out.folder == "review", out
    assert sends(net) == 0
    net.nothing_more()


def test_bulletin_from_outside_the_steering_group_goes_to_review(net: Network) -> None:
    # a member (even with a DKIM pass) writing to the bulletin address: review, no reply
    out = net.write("ann@example.org", BULLETIN_ADDRESS, "Hello everyone", "Hi all!",
                    headers=dkim_pass("ann@example.org"))
    assert out.folder == "review" and "steering group" in out.reason, out
    net.nothing_more()


def test_preview_then_approval_sends_once_even_when_the_approval_comes_twice(
        net: Network) -> None:
    # preview with audience size and code -> approve -> the region's members get one copy
    # each; the same approval again (same bytes, then a new message) sends nothing more
    net.write(STEERING, BULLETIN_ADDRESS, "Day of action", BODY)
    (preview,) = net.mail(1)
    text = text_of(preview)
    assert "members in North West: 3 member(s)" in text
    assert "The national day of action is on 6 March." in text
    assert "region:North West" not in text    # the audience line is not part of the bulletin
    approval = reply_to(preview, STEERING, "APPROVE")
    out = net.deliver(approval)
    assert "approved: send" in out.action, out
    assert net.deliver(approval).duplicate
    out = net.deliver(reply_to(preview, STEERING, "Approve"))
    assert "already used" in out.action, out
    # three members; to the sender: the approval's confirmation, the "already" note and,
    # once the send is done, the final report
    got = net.mail_to(6)
    assert set(got) == {"ann@example.org", "bo@example.org", "mo@example.org", STEERING}
    assert all(len(v) == 1 for k, v in got.items() if k != STEERING)
    assert "Day of action" in str(got["ann@example.org"][0].message["Subject"])
    assert sends(net) == 1
    (report,) = [m for m in got[STEERING] if "Sent:" in str(m.message["Subject"])]
    assert "Delivered:  3 of 3" in text_of(report)
    net.nothing_more()


def test_rejected_bulletin_is_not_sent(net: Network) -> None:
    # REJECT: nothing goes out
    net.write(STEERING, BULLETIN_ADDRESS, "Day of action", BODY)
    (preview,) = net.mail(1)
    out = net.deliver(reply_to(preview, STEERING, "Reject, I will redo it"))
    assert "rejected" in out.action, out
    net.mail(1)
    assert sends(net) == 0
    net.nothing_more()


def test_audience_of_hubs_and_a_bad_audience(net: Network) -> None:
    # "Audience: hub:manchester, hub:scotland" counts their members; an unknown hub is
    # explained to the sender and nothing is drafted
    net.write(STEERING, BULLETIN_ADDRESS, "North and Scotland",
              "Audience: hub:manchester, hub:scotland\n\nHello.")
    (preview,) = net.mail(1)
    assert "2 member(s)" in text_of(preview)
    out = net.write(STEERING, BULLETIN_ADDRESS, "Typo", "Audience: hub:manchster\n\nHello.")
    assert "not drafted" in out.action, out
    (problem,) = net.mail(1)
    assert "manchster" in text_of(problem)
    assert net.app.db()["bulletins"].count == 1


def test_progress_and_final_report_across_the_daily_quota(net: Network,
                                                         smtp_server: SmtpServer) -> None:
    # a quota of 4 a day (2 used by our replies): the first run sends 2 of 5 (a progress
    # report: 40%, 3 wait for the quota), the next day the rest and the final report
    db = net.app.db()
    add_member(net.app, "cy@example.org", "Cy")
    net.write(STEERING, BULLETIN_ADDRESS, "Day of action", "Hello all.")
    (preview,) = net.mail(1)
    net.deliver(reply_to(preview, STEERING, "approve"))
    mailing.outbox_deliverer(net.app).flush()           # the approval confirmation
    net.seen += 1
    relay = mailing.relay_config(net.app.settings)
    from dataclasses import replace
    small = replace(relay, daily_quota=4)   # the preview and the confirmation used 2
    clock = Clock(datetime.now(UTC))
    summary = run_sends(db, small, mailing.composer(net.app), rules(net.app),
                        timedelta(seconds=30), clock=clock)
    assert "2 delivered" in summary and "quota" in summary, summary
    smtp_server.sent_messages(net.seen + 2)
    net.seen += 2
    mailing.outbox_deliverer(net.app).flush(ids=[r[0] for r in db.execute(
        "SELECT id FROM outbox WHERE template = 'officer/bulletin-progress'")])
    (progress,) = smtp_server.sent_messages(net.seen + 1)[net.seen:]
    net.seen += 1
    assert "40% sent" in str(progress.message["Subject"])
    assert "Waited for the relay's daily quota: 3" in text_of(progress)
    clock.advance(hours=25)
    run_sends(db, small, mailing.composer(net.app), rules(net.app), timedelta(seconds=30),
              clock=clock)
    got = smtp_server.sent_messages(net.seen + 3)[net.seen:]
    net.seen += 3
    assert len({m.rcpt_tos[0] for m in got}) == 3
    final = [r[0] for r in db.execute("SELECT id FROM outbox WHERE template = "
                                      "'officer/bulletin-progress' AND state = 'queued'")]
    assert len(final) == 1
    db.execute("UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
               [datetime.now(UTC).isoformat(), final[0]])
    db.conn.commit()
    mailing.outbox_deliverer(net.app).flush(ids=final)
    (report,) = smtp_server.sent_messages(net.seen + 1)[net.seen:]
    assert "Delivered:  5 of 5" in text_of(report)
    assert "Waited for the relay's daily quota: 3" in text_of(report)


def test_a_raw_forged_bulletin_with_reply_to_elsewhere_previews_to_the_store_address(
        net: Network) -> None:
    # a forger sets Reply-To to their own address: the code still only goes to the holder
    raw = raw_mail(STEERING.upper(), BULLETIN_ADDRESS, "Forged", "Send this to all.",
                   headers={"Reply-To": "forger@example.net"})
    out = net.deliver(raw)
    assert "awaits approval" in out.action, out
    (preview,) = net.mail(1)
    assert preview.rcpt_tos == [STEERING]
    assert sends(net) == 0
