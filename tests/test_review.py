"""The review queue from the shell: list, show, resolve as a volunteer reads it, dismiss."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ftm.cli import cli
from lists import erasure, members, review
from lists.store import transaction
from tests.listhelp import NETWORK, Network, deploy, text_of
from tests.servers import SmtpServer

# agrees with only some principles: ftm will not make a join of it alone
PARTIAL = ("I would like to join. I agree with most of the principles, though not the one "
           "about academies. My postcode is L8 1AB.\n\nPriya Shah")


@pytest.fixture
def net(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Network]:
    network = Network(deploy(tmp_path / "d", smtp_server), smtp_server)
    yield network
    network.app.close()


def ftm(net: Network, *args: str) -> Result:
    assert net.app.config_path is not None
    result = CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["--config", net.app.config_path, *args])
    net.app.close()   # the command used its own connection; look again afresh
    return result


def only_item(net: Network) -> int:
    (row,) = review.items(net.app.db())
    return int(row["id"])


def test_a_held_join_is_listed_shown_and_resolved_as_a_join(net: Network) -> None:
    # the message waits with its reason; resolving it as a join does what a join does
    # (a pending member and the confirmation mail) and closes the item, once
    out = net.write("priya@example.org", NETWORK, "Joining", PARTIAL)
    assert out.folder == "review", out
    item = only_item(net)
    res = ftm(net, "review", "list")
    assert res.exit_code == 0 and "priya@example.org" in res.output
    assert "1 item(s) waiting" in res.output
    res = ftm(net, "review", "show", str(item))
    assert res.exit_code == 0, res.output
    assert "academies" in res.output and f"ftm review resolve {item} --as" in res.output
    raw = ftm(net, "review", "show", str(item), "--raw")
    assert raw.stdout_bytes.startswith(b"From: priya@example.org")
    net.nothing_more()

    res = ftm(net, "review", "resolve", str(item), "--as", "join")
    assert res.exit_code == 0, res.output
    assert f"item {item}: pending member created" in res.output
    m = members.find(net.app.db(), "priya@example.org")
    assert m is not None and m.state == "pending" and m.postcode == "L8 1AB"
    (confirm,) = net.mail(1)
    assert confirm.rcpt_tos == ["priya@example.org"] and "+confirm-" in str(
        confirm.message["Reply-To"])
    db = net.app.db()
    assert review.count_open(db) == 0
    assert db.execute("SELECT intent, folder FROM inbound_messages").fetchall() == [
        ("join", "processed")]
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'review-resolved'"
                      ).fetchone() == (1,)
    # resolving it again does nothing and says why
    res = ftm(net, "review", "resolve", str(item), "--as", "join")
    assert res.exit_code == 1 and "resolved already" in res.output, res.output
    assert "1 item(s)" not in ftm(net, "review", "list").output
    assert "join: pending member created" in ftm(net, "review", "list", "--all").output
    net.nothing_more()


def test_the_volunteer_supplies_the_postcode_ftm_did_not_find(net: Network) -> None:
    net.write("priya@example.org", NETWORK, "Joining", PARTIAL.replace(
        " My postcode is L8 1AB.", ""))
    item = only_item(net)
    res = ftm(net, "review", "resolve", str(item), "--as", "join", "--postcode", "QQ1 1AA")
    assert res.exit_code == 2 and "QQ is not a UK postcode area" in res.output, res.output
    assert review.count_open(net.app.db()) == 1
    res = ftm(net, "review", "resolve", str(item), "--as", "join", "--postcode", "l81ab",
              "--name", "Priya Shah")
    assert res.exit_code == 0, res.output
    m = members.find(net.app.db(), "priya@example.org")
    assert m is not None and (m.postcode, m.name) == ("L8 1AB", "Priya Shah")
    (confirm,) = net.mail(1)
    assert "L8 1AB" in text_of(confirm)


def test_a_reading_that_still_needs_a_person_changes_nothing(net: Network) -> None:
    # a "confirmation" with a token that is no one's: read as a commitment it is still for
    # review, so the item stays open and nothing is queued
    out = net.write("priya@example.org",
                    "forthemany.network+confirm-AAAAAAAAAAAAAAAAAAAAAAAA@gmail.com",
                    "Re: confirm", "Yes I agree")
    assert out.folder == "review", out
    item = only_item(net)
    res = ftm(net, "review", "resolve", str(item), "--as", "commit")
    assert res.exit_code == 1 and "still needs a person" in res.output, res.output
    assert review.count_open(net.app.db()) == 1
    assert members.find(net.app.db(), "priya@example.org") is None
    net.nothing_more()


def test_dismiss_closes_without_acting_and_only_once(net: Network) -> None:
    net.write("priya@example.org", NETWORK, "Joining", PARTIAL)
    item = only_item(net)
    res = ftm(net, "review", "dismiss", str(item), "--note", "answered her myself")
    assert res.exit_code == 0 and "dismissed" in res.output, res.output
    assert members.find(net.app.db(), "priya@example.org") is None
    res = ftm(net, "review", "dismiss", str(item))
    assert res.exit_code == 1 and "resolved already" in res.output
    res = ftm(net, "review", "show", "99")
    assert res.exit_code == 1 and "no review item 99" in res.output
    net.nothing_more()


def test_an_erased_address_may_join_again_when_a_volunteer_says_so(net: Network) -> None:
    # erased people are blocked from signing up again; their new signup waits for a person;
    # resolving it as a join lifts the block and still asks the person to confirm
    key = net.app.secret_key()
    with transaction(net.app.db()):
        erasure.erase(net.app.db(), "priya@example.org", datetime.now(UTC), key)
    out = net.write("priya@example.org", NETWORK, "Back again",
                    "Please sign me up again, postcode L8 1AB. Priya")
    assert out.folder == "review" and "erased" in out.reason, out
    item = only_item(net)
    res = ftm(net, "review", "resolve", str(item), "--as", "join")
    assert res.exit_code == 0 and "pending member created" in res.output, res.output
    db = net.app.db()
    assert not members.is_suppressed(db, "priya@example.org", net.app.secret_key())
    (confirm,) = net.mail(1)
    assert confirm.rcpt_tos == ["priya@example.org"]
