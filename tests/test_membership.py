"""Membership rules on a real store, command by command: who may do what, and what is queued."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from lists import members, membership, tokens
from lists.commands import Bounce, Commit, Erase, Help, Join, Leave, Move, Origin, Status
from lists.hubs import parse_hubs
from lists.hubsync import sync_hubs
from lists.policy import Policy
from lists.principles import parse_principles
from lists.store import transaction

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HUBS = """
[[hubs]]
slug = "liverpool-south"
name = "Liverpool South"
covers = ["L8", "L17"]
[hubs.contacts]
membership_secretary = "sec.lpool@example.org"

[[hubs]]
slug = "manchester"
name = "Greater Manchester"
covers = ["M"]
[hubs.contacts]
secretary = "sec.manc@example.org"
"""
PRINCIPLES = parse_principles(
    (Path(__file__).parent.parent / "lists" / "data" / "principles.md").read_text())
POLICY = Policy(address="network@example.org", delimiter="+", principles=PRINCIPLES,
                suppression_key=b"k" * 32, token_ttl=timedelta(days=30), replies_per_day=5)
ANN = "ann@example.org"


@pytest.fixture
def hubs_db(db: sqlite_utils.Database) -> sqlite_utils.Database:
    sync_hubs(db, parse_hubs(HUBS), NOW, apply=True)
    return db


def run(db: sqlite_utils.Database, command: object, now: datetime = NOW,
        policy: Policy = POLICY) -> membership.Result:
    with transaction(db):
        return membership.run(db, command, now, policy)  # type: ignore[arg-type]


def origin(email: str = ANN, **kw: object) -> Origin:
    return Origin(email=email, message_id=f"<m{id(kw)}@example.org>", **kw)  # type: ignore[arg-type]


def outbox(db: sqlite_utils.Database, to: str | None = None) -> list[dict[str, object]]:
    rows = list(db.query("SELECT * FROM outbox ORDER BY id"))
    return [r for r in rows if to is None or r["to_addr"] == to]


def confirm_token(db: sqlite_utils.Database, to: str = ANN) -> str:
    row = [r for r in outbox(db, to) if r["template"] == "member/confirm-join"][-1]
    address = json.loads(str(row["context"]))["confirm_address"]
    return str(address.split("+confirm-")[1].split("@")[0])


def test_join_with_postcode_creates_pending_and_sends_confirmation(
        hubs_db: sqlite_utils.Database) -> None:
    # a first contact with a postcode: pending member, one confirmation with a token address
    res = run(hubs_db, Join(origin(), "Ann Lee", "L8 1AB"))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "pending" and m.postcode == "L8 1AB"
    (mail,) = outbox(hubs_db)
    assert mail["template"] == "member/confirm-join" and mail["kind"] == "reply"
    ctx = json.loads(str(mail["context"]))
    assert len(ctx["principles"]) == 12
    assert ctx["reply_to"] == ctx["confirm_address"]
    assert res.replies == 1
    assert tokens.pending(hubs_db, ANN, NOW) == {"confirm": 1}


def test_join_without_postcode_asks_then_continues(hubs_db: sqlite_utils.Database) -> None:
    # no postcode: a request for it; the answer with a postcode brings the confirmation
    run(hubs_db, Join(origin(), "Ann Lee", None))
    assert [r["template"] for r in outbox(hubs_db)] == ["member/ask-postcode"]
    run(hubs_db, Join(origin(), None, "M14 5RT"))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.postcode == "M14 5RT" and m.name == "Ann Lee"
    assert [r["template"] for r in outbox(hubs_db)][-1] == "member/confirm-join"


def test_confirm_by_token_activates_routes_and_tells_the_secretary(
        hubs_db: sqlite_utils.Database) -> None:
    # the token proves the address: active, consent recorded, hub routed, welcome + notice
    run(hubs_db, Join(origin(), "Ann Lee", "L8 1AB"))
    token = confirm_token(hubs_db)
    res = run(hubs_db, Commit(origin(token=token, token_action="confirm")))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "active"
    assert "liverpool-south" in res.action
    (consent,) = members.consents(hubs_db, m.id)
    assert consent["principles_hash"] == PRINCIPLES.version and consent["method"] == "token"
    templates = [(r["template"], r["to_addr"]) for r in outbox(hubs_db)]
    assert ("member/welcome", ANN) in templates
    assert ("officer/new-member", "sec.lpool@example.org") in templates
    # the token is single use
    again = run(hubs_db, Commit(origin(token=token, token_action="confirm")))
    assert again.folder == "review"


@pytest.mark.parametrize("case", ["wrong", "other-address", "expired"])
def test_forged_confirmation_changes_nothing(hubs_db: sqlite_utils.Database, case: str) -> None:
    # a wrong token, the right token from another address, or an expired one: still pending
    run(hubs_db, Join(origin(), "Ann Lee", "L8 1AB"))
    token = confirm_token(hubs_db)
    sender, when = ANN, NOW
    if case == "wrong":
        token = "A" * 24
    elif case == "other-address":
        sender = "mallory@example.org"
    else:
        when = NOW + timedelta(days=31)
    before = len(outbox(hubs_db))
    res = run(hubs_db, Commit(origin(sender, token=token, token_action="confirm")), now=when)
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "pending"
    assert members.consents(hubs_db, m.id) == []
    assert res.folder == "review"
    assert len(outbox(hubs_db)) == before


def test_reply_to_our_confirmation_proves_the_address(hubs_db: sqlite_utils.Database) -> None:
    # In-Reply-To naming our confirmation (an HMAC'd Message-ID) to this address confirms
    run(hubs_db, Join(origin(), "Ann Lee", "M14 5RT"))
    confirm_id = int(outbox(hubs_db)[0]["id"])  # type: ignore[call-overload]
    run(hubs_db, Commit(origin(reply_to_outbox=confirm_id)))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "active"
    assert members.consents(hubs_db, m.id)[0]["method"] == "reply"
    # the same reply claimed from another address proves nothing
    run(hubs_db, Join(origin("bob@example.org"), "Bob", "M14 5RT"))
    bob_confirm = int(outbox(hubs_db, "bob@example.org")[0]["id"])  # type: ignore[call-overload]
    run(hubs_db, Commit(origin("carol@example.org", reply_to_outbox=bob_confirm)))
    bob = members.find(hubs_db, "bob@example.org")
    assert bob is not None and bob.state == "pending"


def test_commit_from_a_stranger_is_a_join_with_round_trip(hubs_db: sqlite_utils.Database) -> None:
    # "I agree to everything" from an unknown address: pending + confirmation, not active
    run(hubs_db, Commit(origin(), "L17 2DE", "Ann Lee"))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "pending"
    assert outbox(hubs_db)[-1]["template"] == "member/confirm-join"


def test_dkim_trust_is_opt_in(hubs_db: sqlite_utils.Database) -> None:
    # a join_commit with a trusted DKIM pass activates only where the deployment allows it
    run(hubs_db, Join(origin(proof="dkim"), "Ann", "L8 1AB", commitment=True))
    assert members.find(hubs_db, ANN).state == "pending"  # type: ignore[union-attr]
    trusting = Policy(**{**{f: getattr(POLICY, f) for f in POLICY.__dataclass_fields__},
                         "trust_dkim_for_join": True})
    run(hubs_db, Join(origin("bob@example.org", proof="dkim"), "Bob", "L8 1AB",
                      commitment=True), policy=trusting)
    assert members.find(hubs_db, "bob@example.org").state == "active"  # type: ignore[union-attr]


def active(db: sqlite_utils.Database, email: str = ANN, postcode: str = "L8 1AB") -> None:
    run(db, Join(origin(email), "Ann Lee", postcode))
    run(db, Commit(origin(email, token=confirm_token(db, email), token_action="confirm")))


def test_leave_by_message_and_by_token(hubs_db: sqlite_utils.Database) -> None:
    # leave from the address: left, consent withdrawn, told; an unsub token works from anywhere
    active(hubs_db)
    run(hubs_db, Leave(origin()))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.state == "left"
    assert members.consents(hubs_db, m.id)[0]["withdrawn_at"] is not None
    assert outbox(hubs_db, ANN)[-1]["template"] == "member/left"
    active(hubs_db, "bob@example.org")
    with transaction(hubs_db):
        t = tokens.issue(hubs_db, "unsub", "bob@example.org", NOW, timedelta(days=365))
    run(hubs_db, Leave(origin("someone-else@example.org", token=t, token_action="unsub")))
    assert members.find(hubs_db, "bob@example.org").state == "left"  # type: ignore[union-attr]


def test_move_reroutes_and_tells_both_hubs(hubs_db: sqlite_utils.Database) -> None:
    # a new postcode in another hub's area: new hub, member told, both secretaries told
    active(hubs_db)
    run(hubs_db, Move(origin(), "M20 6GH"))
    m = members.find(hubs_db, ANN)
    assert m is not None and m.postcode == "M20 6GH"
    notices = {r["to_addr"] for r in outbox(hubs_db) if r["template"] == "officer/member-relocated"}
    assert notices == {"sec.lpool@example.org", "sec.manc@example.org"}
    assert outbox(hubs_db, ANN)[-1]["template"] == "member/moved"


def test_status_and_help_answer_the_address_only(hubs_db: sqlite_utils.Database) -> None:
    # status goes to the address asked about, help to whoever asked
    active(hubs_db)
    run(hubs_db, Status(origin()))
    row = outbox(hubs_db, ANN)[-1]
    assert row["template"] == "member/status"
    assert json.loads(str(row["context"]))["home_hub"]["slug"] == "liverpool-south"
    run(hubs_db, Help(origin("curious@example.org")))
    assert outbox(hubs_db)[-1]["template"] == "member/help"


def test_reply_cap_per_address(hubs_db: sqlite_utils.Database) -> None:
    # no address gets more automatic replies a day than the policy allows
    for _ in range(8):
        run(hubs_db, Help(origin("loop@example.org")))
    assert len(outbox(hubs_db, "loop@example.org")) == POLICY.replies_per_day


def test_hard_bounces_disable_and_tell_the_secretary(hubs_db: sqlite_utils.Database) -> None:
    # three hard bounces disable a member; their hub's secretary hears of it once
    active(hubs_db)
    for _ in range(3):
        run(hubs_db, Bounce(origin("mailer-daemon@example.net"), (ANN,), hard=True,
                            status="5.1.1"))
    assert members.find(hubs_db, ANN).state == "disabled"  # type: ignore[union-attr]
    told = [r for r in outbox(hubs_db) if r["template"] == "officer/member-disabled"]
    assert len(told) == 1


def test_the_bounce_threshold_is_the_deployments(hubs_db: sqlite_utils.Database) -> None:
    # [limits] hard_bounces_to_disable = 1: one hard bounce disables; a soft one does not
    from dataclasses import replace
    strict = replace(POLICY, hard_bounces_to_disable=1.0)
    active(hubs_db)
    run(hubs_db, Bounce(origin("mailer-daemon@example.net"), (ANN,), hard=False,
                        status="4.2.2"), policy=strict)
    assert members.find(hubs_db, ANN).state == "active"  # type: ignore[union-attr]
    run(hubs_db, Bounce(origin("mailer-daemon@example.net"), (ANN,), hard=True,
                        status="5.1.1"), policy=strict)
    assert members.find(hubs_db, ANN).state == "disabled"  # type: ignore[union-attr]


def test_erase_needs_a_token_then_leaves_no_trace(hubs_db: sqlite_utils.Database,
                                                  db_path: Path) -> None:
    # erase: a token mail first; on confirmation name, address and postcode leave the file
    run(hubs_db, Join(origin(), "Zebedee Quixote", "L17 2DE"))
    run(hubs_db, Commit(origin(token=confirm_token(hubs_db), token_action="confirm")))
    run(hubs_db, Erase(origin()))
    assert members.find(hubs_db, ANN) is not None
    row = outbox(hubs_db, ANN)[-1]
    assert row["template"] == "member/erase-confirm"
    address = json.loads(str(row["context"]))["erase_address"]
    token = address.split("+erase-")[1].split("@")[0]
    res = run(hubs_db, Erase(origin(token=token, token_action="erase")))
    assert res.action == "personal data erased"
    assert members.find(hubs_db, ANN) is None
    assert members.is_suppressed(hubs_db, ANN, POLICY.suppression_key)
    # the last confirmation is queued; once sent it is scrubbed too
    assert outbox(hubs_db, ANN)[-1]["template"] == "member/erased"
    from lists import erasure
    with transaction(hubs_db):
        hubs_db.execute("UPDATE outbox SET state = 'sent' WHERE to_addr = ?", [ANN])
        erasure.scrub_sent(hubs_db)
    erasure.checkpoint(hubs_db)
    data = db_path.read_bytes()
    for secret in (b"ann@example.org", b"Zebedee", b"Quixote", b"L17 2DE"):
        assert secret not in data, secret
    # and joining again from that address goes to a person, not a new signup
    res = run(hubs_db, Join(origin(), "Ann", "L8 1AB"))
    assert res.folder == "review"
