"""Fuzzing the classifier: random bytes and mutated real messages always get an intent.

Not only must no exception escape ``classify`` (its last-resort guard would catch one):
the guard must not be needed, so a result that says "classifier error" fails too.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.classify import classify
from inbox.context import Context
from inbox.result import INTENTS
from tests.mailmaker import confirm_reply, mail, multipart
from tests.test_inbox_cases import CASES, DSN_GMAIL, MACHINE_CASES

CTX = Context(max_bytes=200_000)
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "inbound"
SEEDS: list[bytes] = [raw for _, raw, _ in CASES + MACHINE_CASES]
SEEDS += [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))][:40] if CORPUS.is_dir() else []
# FTM_FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps `make test` quick
FUZZ = settings(max_examples=int(os.environ.get("FTM_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check(raw: bytes) -> None:
    got = classify(raw, CTX)
    assert got.intent in INTENTS
    assert not any(r.startswith(("classifier error", "could not parse")) for r in got.reasons), \
        got.reasons
    got.to_json("x")  # serialisable whatever came in


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(raw: bytes) -> None:
    # noise of any kind is a message too: it gets an intent
    check(raw)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "dup"]))
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at:at + draw(st.integers(1, 200))]
        elif op == "insert":
            raw[at:at] = draw(st.sampled_from([
                b"\r\n", b"\n\n", b"--", b"=?utf-8?b?", b"?=", b"=\n", b"Content-Type: multipart/"
                b"mixed; boundary=x\n", b"\xff\xfe", b"<blockquote>", b"> ", b"On Mon wrote:\n",
                b"Content-Transfer-Encoding: base64\n", b"\x00", b"charset=koi8-r",
                draw(st.binary(max_size=50))]))
        elif op == "truncate":
            del raw[at:]
        elif op == "dup":
            raw[at:at] = raw[at:at + 300]
    return bytes(raw)


@FUZZ
@given(mutated())
def test_mutated_real_messages(raw: bytes) -> None:
    # real messages with bytes flipped, cut, inserted, duplicated or truncated
    check(raw)


@FUZZ
@given(st.text(max_size=600), st.text(max_size=80), st.text(max_size=40),
       st.sampled_from(["utf-8", "iso-8859-1", "koi8-r", "gb2312", "bogus-charset", ""]),
       st.sampled_from(["8bit", "quoted-printable", "base64"]), st.booleans())
def test_any_text_in_any_wrapping(body: str, subject: str, name: str, charset: str, cte: str,
                                  html: bool) -> None:
    # any text, in any charset and transfer encoding, plain or HTML
    clean = "".join(ch for ch in name if ch.isprintable() and ch not in "<>\"\\,;:@()")
    check(mail(body, subject=subject.replace("\n", " ").replace("\r", " "),
               sender=f"{clean} <x@example.org>", charset=charset or "utf-8", cte=cte,
               html=html))
    check(confirm_reply(body))


def test_deep_and_wide_mime_is_bounded() -> None:
    # a thousand nested multiparts and a thousand parts: an intent, no recursion error
    deep = b"Content-Type: multipart/mixed; boundary=b0\n\n"
    for i in range(1000):
        deep += f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n".encode()
    check(b"From: a@b.example\nSubject: deep\n" + deep)
    wide = multipart([("text/plain", "7bit", b"part")] * 1000)
    check(wide)
    check(DSN_GMAIL[: len(DSN_GMAIL) // 2])
