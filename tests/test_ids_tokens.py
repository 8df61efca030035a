"""Message-IDs, VERP addresses and tokens: what the classifier and bounce handler rely on."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils

from lists import tokens
from lists.msgid import (
    MailRef,
    find_references,
    make_message_id,
    parse_message_id,
    parse_verp,
    sign,
    verp_address,
)
from lists.store import transaction
from tests.mailhelp import START

KEY = b"k1"


def test_message_id_round_trip_and_forgery() -> None:
    # ours verify; a changed id, a changed HMAC or another key do not
    mid = make_message_id(KEY, "o", 51022, "forthemany.network")
    assert mid == f"<ftm.o51022.{sign(KEY, 'o', 51022)}@forthemany.network>"
    assert parse_message_id(mid, KEY) == MailRef("o", 51022)
    assert parse_message_id(mid.replace("51022", "51023"), KEY) is None
    assert parse_message_id(mid, b"other") is None
    d = make_message_id(KEY, "d", 7, "x.org")
    assert parse_message_id(d, KEY) == MailRef("d", 7)
    assert parse_message_id(d.replace(".d7.", ".o7."), KEY) is None   # kinds sign differently
    assert parse_message_id("<random@example.org>", KEY) is None


def test_references_found_in_headers_and_dsn_text() -> None:
    # In-Reply-To, References or a quoted DSN: every verified id, once, in order
    a = make_message_id(KEY, "o", 1, "f.n")
    b = make_message_id(KEY, "d", 2, "f.n")
    text = f"References: <x@y> {a}\n {b}\nMessage-ID: {a}\n<ftm.o3.0000000000@f.n>"
    assert find_references(text, KEY) == [MailRef("o", 1), MailRef("d", 2)]


def test_verp_round_trip() -> None:
    # network+bounce-d7-HMAC@domain maps back; tampering or another delimiter does not
    addr = verp_address("network@example.org", "+", KEY, "d", 7)
    assert addr.startswith("network+bounce-d7-") and addr.endswith("@example.org")
    assert parse_verp(addr, "+", KEY) == MailRef("d", 7)
    assert parse_verp(addr.replace("d7", "d8"), "+", KEY) is None
    assert parse_verp("network@example.org", "+", KEY) is None
    assert parse_verp(f"<{addr.upper()}>", "+", KEY) == MailRef("d", 7)


def test_tokens_are_single_use_bound_and_expire(db: sqlite_utils.Database) -> None:
    # redeem once; wrong action, wrong address or after expiry: None; only the hash is stored
    with transaction(db):
        tok = tokens.issue(db, "unsub", "Ann@Example.org", START, timedelta(days=1), data={"a": 1})
    assert len(tok) >= 22
    stored = db.execute("SELECT token_hash FROM tokens").fetchone()[0]
    assert tok not in stored and stored == tokens.hash_token(tok)
    assert tokens.peek(db, tok, "confirm", None, START) is None
    assert tokens.peek(db, tok, "unsub", "bob@example.org", START) is None
    assert tokens.peek(db, tok, "unsub", None, START + timedelta(days=2)) is None
    row = tokens.peek(db, tok, "unsub", "ann@example.ORG", START)
    assert row is not None and row.data == {"a": 1}
    with transaction(db):
        used = tokens.redeem(db, tok, "unsub", None, START)
        again = tokens.redeem(db, tok, "unsub", None, START)
    assert used is not None and used.used_at == START and again is None
    assert tokens.peek(db, "not a token!", "unsub", None, START) is None
    with transaction(db):
        assert tokens.purge_expired(db, START + timedelta(days=2)) == 1
