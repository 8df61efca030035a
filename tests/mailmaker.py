"""Small synthetic messages for the inbound tests: raw bytes as a mailbox would hold them."""

from __future__ import annotations

import base64
import quopri
import zlib
from email.header import Header

NET = "forthemany.network@gmail.com"
OURS = "ftm.o{row}.3f9a2c@forthemany.network"


def ours(row: int = 4242) -> str:
    """A Message-ID of ours naming outbox row *row*."""
    return "<" + OURS.format(row=row) + ">"


def mail(body: str = "", subject: str = "Hello", sender: str = "Sam Patel <sam.patel@gmail.com>",
         to: str = NET, headers: dict[str, str] | None = None, html: bool = False,
         charset: str = "utf-8", cte: str = "8bit", date: str = "Mon, 03 Mar 2025 10:00:00 +0000",
         crlf: bool = False, reply_to_ours: int | None = None) -> bytes:
    """One single-part message. *cte* is 8bit, quoted-printable or base64."""
    lines = [f"From: {_encoded(sender)}", f"To: {to}",
             f"Delivered-To: {to.split('<')[-1].strip('>')}",
             f"Subject: {Header(subject, 'utf-8').encode() if not subject.isascii() else subject}",
             f"Date: {date}",
             f"Message-ID: <m.{zlib.crc32((subject + body).encode())}@example.net>",
             "MIME-Version: 1.0",
             f"Content-Type: text/{'html' if html else 'plain'}; charset=\"{charset}\"",
             f"Content-Transfer-Encoding: {cte}"]
    if reply_to_ours is not None:
        lines += [f"In-Reply-To: {ours(reply_to_ours)}", f"References: {ours(reply_to_ours)}"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    try:
        data = body.encode(charset, errors="replace")
    except LookupError:  # a made-up label: the bytes are UTF-8, the header says otherwise
        data = body.encode("utf-8")
    if cte == "quoted-printable":
        data = quopri.encodestring(data)
    elif cte == "base64":
        data = base64.encodebytes(data)
    raw = ("\n".join(lines) + "\n\n").encode("ascii") + data
    return raw.replace(b"\n", b"\r\n") if crlf else raw


def _encoded(sender: str) -> str:
    """A From header value with a non-ASCII display name as an RFC 2047 encoded word."""
    if sender.isascii():
        return sender
    name, _, addr = sender.rpartition("<")
    return f"{Header(name.strip(), 'utf-8').encode()} <{addr}"


TOKEN = "Ab12Cd34Ef56"  # noqa: S105 -- a made-up confirmation token


def confirm_reply(body: str, token: str = TOKEN, sender: str = "Sam Patel "
                  "<sam.patel@gmail.com>", quote: bool = True) -> bytes:
    """A reply to our confirmation mail, sent to its +confirm- address, quoting it."""
    quoted = ""
    if quote:
        quoted = ("\n\nOn Mon, 3 Mar 2025 at 09:00, For the Many "
                  f"<forthemany.network+confirm-{token}@gmail.com> wrote:\n\n"
                  "> Hello Sam,\n>\n> Membership of the network means committing to our twelve"
                  "\n> founding principles.\n>\n> What we keep about you: your postcode, M14 5RT."
                  "\n>\n> To confirm that you commit to the twelve principles, simply reply to"
                  "\n> this email.\n")
    return mail(body + quoted, subject="Re: Please confirm: your For the Many membership",
                sender=sender, to=f"forthemany.network+confirm-{token}@gmail.com",
                reply_to_ours=777)


def multipart(parts: list[tuple[str, str, bytes]], subject: str = "Hello",
              sender: str = "Sam Patel <sam.patel@gmail.com>", to: str = NET,
              kind: str = "mixed", headers: dict[str, str] | None = None,
              boundary: str = "b0undary") -> bytes:
    """A multipart message from (content-type line, transfer-encoding, payload) parts."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
             "Date: Mon, 03 Mar 2025 10:00:00 +0000", "Message-ID: <mp.1@example.net>",
             "MIME-Version: 1.0", f"Content-Type: multipart/{kind}; boundary=\"{boundary}\""]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    out = ("\n".join(lines) + "\n\n").encode()
    for ctype, cte, payload in parts:
        out += f"--{boundary}\nContent-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n\n".encode()
        out += payload + b"\n"
    return out + f"--{boundary}--\n".encode()


def assert_reads_as(raw: bytes, want: dict[str, object]) -> None:
    """The classifier gives *raw* every field in *want* (intent, postcode, name ...)."""
    from inbox.classify import classify
    from inbox.context import Context
    got = classify(raw, Context())
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)
