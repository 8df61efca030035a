"""Decoding and splitting: charsets, encoded words, HTML, quotes, signatures, size, addresses."""

from __future__ import annotations

import pytest

from inbox.auth import dkim_verdict
from inbox.classify import classify
from inbox.context import Context
from inbox.decode import decode_bytes, decode_words
from inbox.parse import parse
from inbox.quotes import split
from inbox.routes import outbox_id, route
from tests.mailmaker import mail, multipart, ours

CTX = Context()


@pytest.mark.parametrize("text, encoded, declared", [
    ("Привет, я хочу вступить в сеть. Мой индекс M14 5RT.", "koi8-r", "koi8-r"),
    ("Привет, я хочу вступить в сеть. Мой индекс M14 5RT.", "koi8-r", None),
    ("我想加入你们的网络，我的邮编是 M14 5RT", "gb2312", "gb2312"),
    ("Grüße aus München, café", "utf-8", "iso-8859-1"),      # UTF-8 mislabelled Latin-1
    ("Grüße aus München, café", "latin-1", "utf-8"),         # Latin-1 mislabelled UTF-8
    ("Grüße aus München, café", "cp1252", None),             # undeclared 8-bit
    ("Dzień dobry, chcę dołączyć", "iso-8859-2", "iso-8859-2"),
    ("plain ascii", "ascii", "x-unknown-charset"),
])
def test_body_charsets_declared_missing_and_wrong(text: str, encoded: str,
                                                   declared: str | None) -> None:
    # whatever the label says, the words come back as written
    assert decode_bytes(text.encode(encoded), declared) == text


def test_encoded_words_and_header_injection() -> None:
    # RFC 2047 subjects decode; a name that decodes to a header line stays one line
    assert decode_words("=?utf-8?B?Q291bnQgbWUgaW4g4pyK8J+Pvg==?=") == "Count me in ✊🏾"
    assert decode_words("=?iso-8859-1?q?Si=E2n?= Howells") == "Siân Howells"
    raw = mail("Sign me up. M14 5RT\n\nSam",
               sender="=?utf-8?q?Evil=0D=0ABcc=3A_victim=40example=2Ecom?= <sam@example.org>")
    p = parse(raw, CTX)
    assert "\n" not in p.from_name and "\r" not in p.from_name
    assert p.from_addr == "sam@example.org"
    got = classify(raw, CTX)
    assert got.email == "sam@example.org"
    assert got.name is None or ("@" not in got.name and "Bcc" not in got.name)


def test_crlf_quoted_printable_and_flowed() -> None:
    # CRLF endings, QP soft breaks and format=flowed lines join back into sentences
    raw = mail("I would like to join the network, my postcode is =\nM14=205RT.\n", crlf=True)
    raw = raw.replace(b"Transfer-Encoding: 8bit", b"Transfer-Encoding: quoted-printable")
    assert "postcode is M14 5RT." in parse(raw, CTX).new
    flowed = mail("I would like to \njoin, postcode \nM14 5RT\n", headers={})
    flowed = flowed.replace(b'charset="utf-8"', b'charset="utf-8"; format=flowed')
    assert "I would like to join, postcode M14 5RT" in parse(flowed, CTX).new


def test_html_only_blockquote_is_quoted() -> None:
    # an HTML reply: the blockquote is quoted text, the new words are the body
    html = ("<div>Yes, I commit.</div><div class=gmail_quote>On Mon, 3 Mar 2025 at 09:00, Us "
            "&lt;u@x.example&gt; wrote:<blockquote>Old text with postcode M1 1AE<br>more"
            "</blockquote></div>")
    p = parse(mail(html, html=True), CTX)
    assert p.html_only and p.new == "Yes, I commit."
    assert "M1 1AE" in p.quoted


def test_attachments_counted_not_read() -> None:
    # two attachments are counted; their bytes never reach the text
    raw = multipart([("text/plain; charset=utf-8", "7bit", b"Minutes attached. Sign me up."),
                     ("application/pdf; name=a.pdf", "base64", b"JVBERi0xLjQK"),
                     ("image/jpeg; name=b.jpg", "base64", b"/9j/4AAQSkZJRg==")])
    p = parse(raw, CTX)
    assert p.attachments == 2 and "JVBER" not in p.text


def test_size_cap_reads_headers_only() -> None:
    # over the cap: review with the reason, the sender still known, the body never decoded
    ctx = Context(max_bytes=5000)
    raw = mail("Sign me up! " * 1000, sender="Big Mail <big@example.org>")
    got = classify(raw, ctx)
    assert got.intent == "review" and "too large" in got.reasons[0]
    assert got.email == "big@example.org" and got.body == ""


QUOTES = [
    ("gmail two-line attribution",
     "Yes please.\n\nOn Mon, 3 Mar 2025 at 09:00, For the Many <\nforthemany.network@gmail.com> "
     "wrote:\n\n> Hello\n", "Yes please."),
    ("outlook block",
     "Count me in.\n\n________________________________\nFrom: For the Many <x@y.example>\n"
     "Sent: 3 March 2025 09:00\nTo: Sam\nSubject: Hello\n\nHello Sam", "Count me in."),
    ("original message banner",
     "Agreed.\n\n-----Original Message-----\nFrom: a@b.example\nSent: Monday\n\nold", "Agreed."),
    ("outlook without separator",
     "Fine by me.\n\nFrom: For the Many <x@y.example>\nSent: Monday, 3 March 2025 09:00\n"
     "To: Sam <s@z.example>\nSubject: Hi\n\nold text", "Fine by me."),
    ("apple mail", "Yes\n\nSent from my iPhone\n\n> On 3 Mar 2025, at 09:00, For the Many "
     "<x@y.example> wrote:\n>\n> Hello", "Yes"),
    ("thunderbird", "Please remove me.\n\nOn 03/03/2025 09:00, For the Many wrote:\n> Hello",
     "Please remove me."),
    ("german", "Ja.\n\nAm Mo., 3. März 2025 um 09:00 Uhr schrieb For the Many <x@y.example>:\n"
     "> Hallo", "Ja."),
    ("french", "Oui.\n\nLe lun. 3 mars 2025 à 09:00, For the Many <x@y.example> a écrit :\n"
     "> Bonjour", "Oui."),
    ("bottom posted", "On Mon, 3 Mar 2025, Us <u@x.example> wrote:\n> Please confirm\n\n"
     "Yes, I commit.\n\nSam", "Yes, I commit.\n\nSam"),
    ("forwarded", "Count me in! B8 1LJ\n\n---------- Forwarded message ---------\nFrom: A "
     "<a@b.example>\n\nTo join, email us with your postcode N1 1AA", "Count me in! B8 1LJ"),
    ("signature delimiter", "Sign me up.\n\n-- \nSam Patel\nwww.example.org", "Sign me up."),
    ("outlook mobile", "Yes!\n\nGet Outlook for Android", "Yes!"),
]


@pytest.mark.parametrize("name, text, new", QUOTES, ids=[q[0] for q in QUOTES])
def test_quotes_and_signatures(name: str, text: str, new: str) -> None:
    # only what the person newly wrote is the new text
    assert split(text).new == new


def test_routes_and_our_message_ids() -> None:
    # sub-addresses name an action and keep the token's case; our Message-IDs name a row
    r = route("forthemany.network+confirm-AbC123@gmail.com", CTX)
    assert r is not None and (r.action, r.value) == ("confirm", "AbC123")
    r = route("Forthemany.Network+hub-Leeds-North@GMAIL.com", CTX)
    assert r is not None and (r.action, r.value) == ("hub", "leeds-north")
    assert route("someone+confirm-x@gmail.com", CTX) is None
    assert route("forthemany.network+nonsense-x@gmail.com", CTX) is None
    dash = Context(address="ftm@example.org", delimiter="-")
    r = route("ftm-unsub-T0k@example.org", dash)
    assert r is not None and (r.action, r.value) == ("unsub", "T0k")
    assert outbox_id(ours(99), CTX) == 99
    assert outbox_id("<ftm.o99.3f9a2c@evil.example>", CTX) is None
    raw = mail("ok", headers={"References": "<a@b> " + ours(41)})
    assert parse(raw, CTX).reply_to_ours == 41


def test_dkim_only_from_the_trusted_authserv_id() -> None:
    # our provider's verdict counts; a forged header from elsewhere, or lower down, does not
    trusted = ("mx.google.com; dkim=pass header.i=@gmail.com header.s=x header.b=y; spf=pass",
               "mx.google.com; dkim=fail header.d=gmail.com")
    v = dkim_verdict(trusted, "mx.google.com", "sam@gmail.com")
    assert v is not None and v.result == "pass" and v.aligned
    forged = ("evil.example; dkim=pass header.d=gmail.com",)
    assert dkim_verdict(forged, "mx.google.com", "sam@gmail.com") is None
    assert dkim_verdict(trusted, "", "sam@gmail.com") is None
    other = ("mx.google.com; dkim=pass (comment; with semicolon) header.d=other.example",)
    v = dkim_verdict(other, "mx.google.com", "sam@gmail.com")
    assert v is not None and v.result == "pass" and not v.aligned


BROKEN = [
    ("boundary never closed",
     b"From: a@b.example\nSubject: hi\nContent-Type: multipart/alternative; boundary=zz\n\n"
     b"--zz\nContent-Type: text/plain\n\nPlease sign me up, LS6 3HN\n--zz\nContent-Type: text/html"
     b"\n\n<p>Please sign me up"),
    ("boundary missing from the header",
     b"From: a@b.example\nSubject: hi\nContent-Type: multipart/mixed\n\n--x\n"
     b"Content-Type: text/plain\n\nPlease sign me up, LS6 3HN\n--x--\n"),
    ("garbage base64",
     b"From: a@b.example\nSubject: Please sign me up\nContent-Type: text/plain\n"
     b"Content-Transfer-Encoding: base64\n\n@@@not base64!!!\n"),
    ("no headers at all", b"Please sign me up, LS6 3HN"),
    ("only a separator", b"\n\n"),
]


@pytest.mark.parametrize("name, raw", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_mime_still_gets_an_intent(name: str, raw: bytes) -> None:
    # malformed MIME never raises; readable words are still read
    got = classify(raw, CTX)
    assert got.intent in ("join", "review")
    if b"LS6 3HN" in raw and got.intent == "join":
        assert got.postcode == "LS6 3HN"


def test_legacy_charsets_end_to_end() -> None:
    # a KOI8-R body and a GB2312 encoded-word subject arrive as the words written
    body = "Здравствуйте! Мой индекс M14 5RT."
    raw = mail(body, charset="koi8-r", subject="=?gb2312?b?" + "ztLP67zTyOs=" + "?=")
    p = parse(raw, CTX)
    assert p.new == body
    assert p.subject == "我想加入"


@pytest.mark.parametrize("text, date, start, end, venue, status", [
    ("Stall Sat 5/7 at 2pm, Market Square", "2025-07-05", "14:00", None, "Market Square",
     "scheduled"),
    ("AGM on the 12th of October at 7.30pm, Town Hall, Leeds.", "2025-10-12", "19:30", None,
     "Town Hall, Leeds", "scheduled"),
    ("Quiz night 05/06/25, 19:00 to 21:30 at the Red Lion", "2025-06-05", "19:00", "21:30",
     "Red Lion", "scheduled"),
    ("Picket this Friday 7-9am outside the depot", "2025-06-06", "07:00", "09:00", None,
     "scheduled"),
    ("Doors 6.30pm for a 7pm start, Saturday 14 June", "2025-06-14", "19:00", None, None,
     "scheduled"),
    ("The rally on Saturday 14 June is postponed", "2025-06-14", None, None, None, "cancelled"),
])
def test_event_fields(text: str, date: str, start: str | None, end: str | None,
                      venue: str | None, status: str) -> None:
    # UK day-first dates, years and weekdays resolved against the Date, start not doors
    from datetime import UTC, datetime

    from inbox.event import extract

    got = extract(text, "Subject", datetime(2025, 6, 1, 9, 0, tzinfo=UTC))
    assert (got.date, got.start, got.end, got.status) == (date, start, end, status)
    if venue is not None:
        assert got.venue == venue
