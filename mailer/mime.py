"""Headers and bytes: RFC 5322/2045 messages built from strings, fast enough for bulk sends.

``EmailMessage.as_bytes()`` costs over a millisecond a message; a bulletin needs a
few microseconds. So a ``MessageFactory`` formats the headers shared by a whole
run once, and ``build()`` adds the personal headers and the two bodies, encoded
quoted-printable (by ``binascii``, in C) inside a ``multipart/alternative``. The
boundary contains ``=_``, which quoted-printable output can never contain.

Every header value passes through ``clean()``: CR, LF and other control characters
become spaces, so a display name such as ``"Eve\\r\\nBcc: x@y"`` stays inside its
own header. Non-ASCII words are RFC 2047 encoded words; long lines are folded.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')
_MSGID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
MAX_LINE = 78


def clean(value: str) -> str:
    """One header value on one line: control characters (CR, LF, ...) become single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _is_ascii(s: str) -> bool:
    return s.isascii()


def encoded_words(text: str, prefix_len: int) -> str:
    """*text* as RFC 2047 base64 encoded words, folded so no line passes 78 characters."""
    words: list[str] = []
    chunk = ""
    for ch in text:
        if len((chunk + ch).encode()) > 42:
            words.append(chunk)
            chunk = ""
        chunk += ch
    if chunk:
        words.append(chunk)
    encoded = ["=?utf-8?b?" + base64.b64encode(w.encode()).decode() + "?=" for w in words]
    out, line = [], prefix_len
    for i, w in enumerate(encoded):
        if i and line + 1 + len(w) > MAX_LINE:
            out.append("\r\n ")
            line = 1
        elif i:
            out.append(" ")
            line += 1
        out.append(w)
        line += len(w)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def header_text(name: str, value: str) -> str:
    """``Name: value`` for an unstructured header (Subject), cleaned, encoded and folded."""
    value = clean(value)
    if not _is_ascii(value):
        return f"{name}: {encoded_words(value, len(name) + 2)}"
    if len(name) + 2 + len(value) <= MAX_LINE:
        return f"{name}: {value}"
    out, line = [f"{name}:"], len(name) + 1
    for word in value.split(" "):
        if line + 1 + len(word) > MAX_LINE and line > 1:
            out.append("\r\n")
            line = 0
        out.append(" " + word)
        line += 1 + len(word)
    return "".join(out)


def address(name: str | None, addr: str, header_len: int = 4) -> str:
    """``"Name" <addr>`` with the name quoted or encoded as needed; ``addr`` alone without one."""
    addr = clean(addr)
    name = clean(name or "")
    if not name:
        return addr
    if not _is_ascii(name):
        return f"{encoded_words(name, header_len)} <{addr}>"
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr}>"


def message_id_or_none(value: str | None) -> str | None:
    """A single well-formed ``<id@domain>`` from *value*, or None (for In-Reply-To)."""
    if not value:
        return None
    m = _MSGID.search(value)
    return m.group() if m else None


def crlf(text: str) -> bytes:
    """UTF-8 bytes with every line ending as CRLF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\r\n").encode("utf-8")


def qp(text: str) -> bytes:
    """Quoted-printable body bytes (lines of at most 76 characters, CRLF)."""
    return binascii.b2a_qp(crlf(text), quotetabs=False, istext=True, header=False)


@dataclass(frozen=True, slots=True)
class Body:
    """A message's words ready for MIME: the subject, and each body part quoted-printable."""

    subject: str
    text: bytes
    html: bytes | None


def encode(subject: str, text: str, html: str | None) -> Body:
    """Quoted-printable bodies from rendered text and HTML."""
    return Body(subject, qp(text), qp(html) if html is not None else None)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: ``text/calendar`` for an event, say. Encoded base64.

    *params* are extra Content-Type parameters (``{"method": "PUBLISH"}``).
    """

    content_type: str
    filename: str
    data: bytes
    params: tuple[tuple[str, str], ...] = ()

    def part(self) -> bytes:
        """The MIME part's headers and base64 body (lines of 76 characters, CRLF)."""
        name = re.sub(r'[^A-Za-z0-9._-]+', "-", self.filename) or "attachment"
        extra = "".join(f'; {k}={v}' for k, v in self.params)
        if self.content_type.startswith("text/"):
            extra = '; charset="utf-8"' + extra
        head = (f'Content-Type: {self.content_type}{extra}; name="{name}"\r\n'
                f'Content-Disposition: attachment; filename="{name}"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n")
        return head.encode("ascii") + base64.encodebytes(self.data).replace(b"\n", b"\r\n")


@dataclass(frozen=True, slots=True)
class Personal:
    """The headers that differ per message."""

    to_name: str | None
    to_addr: str
    message_id: str
    list_unsubscribe: str | None = None     # already formatted: <mailto:...>, <https://...>
    one_click: bool = False                  # add List-Unsubscribe-Post (RFC 8058)
    in_reply_to: str | None = None
    reply_to: str | None = None              # this message's own Reply-To (a token address)


class MessageFactory:
    """Builds many messages that share a sender, a kind and (maybe) a list.

    *common* are extra headers for every message (List-Id, Auto-Submitted, ...).
    """

    def __init__(self, from_name: str, from_addr: str, reply_to: str | None,
                 common: list[tuple[str, str]]) -> None:
        lines = [f"From: {address(from_name, from_addr, 6)}"]
        self._reply_to = reply_to
        for name, value in common:
            lines.append(header_text(name, value) if name != "List-Id" else
                         f"List-Id: {value}")
        lines.append("MIME-Version: 1.0")
        self._common = "\r\n".join(lines) + "\r\n"
        self._boundary = "=_ftm_" + secrets.token_hex(12)
        self._date_second = -1
        self._date = ""

    def _date_header(self, now: datetime) -> str:
        second = int(now.timestamp())
        if second != self._date_second:
            self._date_second = second
            self._date = format_datetime(now.astimezone(UTC).replace(microsecond=0))
        return self._date

    def build(self, p: Personal, body: Body, now: datetime,
              attachments: tuple[Attachment, ...] = ()) -> bytes:
        """The whole message as bytes with CRLF line endings.

        With *attachments*, a ``multipart/mixed`` holds the words (text, or the
        text/HTML alternative) first and then each attachment.
        """
        head = [f"Date: {self._date_header(now)}", f"Message-ID: {p.message_id}",
                f"To: {address(p.to_name, p.to_addr)}", header_text("Subject", body.subject)]
        reply_to = p.reply_to or self._reply_to
        if reply_to:
            head.append(f"Reply-To: {address(None, reply_to)}")
        reply = message_id_or_none(p.in_reply_to)
        if reply:
            head.append(f"In-Reply-To: {reply}")
            head.append(f"References: {reply}")
        if p.list_unsubscribe:
            head.append(f"List-Unsubscribe: {p.list_unsubscribe}")
            if p.one_click:
                head.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        top = (self._common + "\r\n".join(head) + "\r\n").encode("utf-8")
        words = self._words(body)
        if not attachments:
            return top + words
        mixed = (self._boundary + "_m").encode()
        out = [top, b'Content-Type: multipart/mixed; boundary="', mixed, b'"\r\n\r\n',
               b"--", mixed, b"\r\n", words]
        for a in attachments:
            out += [b"\r\n--", mixed, b"\r\n", a.part()]
        out += [b"\r\n--", mixed, b"--\r\n"]
        return b"".join(out)

    def _words(self, body: Body) -> bytes:
        """The text part, or the text/HTML alternative, with its own Content-Type."""
        if body.html is None:
            return b"".join((b'Content-Type: text/plain; charset="utf-8"\r\n'
                             b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                             body.text, b"\r\n"))
        b = self._boundary.encode()
        return b"".join((
            b'Content-Type: multipart/alternative; boundary="', b, b'"\r\n\r\n',
            b"--", b, b'\r\nContent-Type: text/plain; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n", body.text,
            b"\r\n--", b, b'\r\nContent-Type: text/html; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n", body.html,
            b"\r\n--", b, b"--\r\n"))


def list_unsubscribe(mailto: str, url: str) -> str:
    """The List-Unsubscribe value (RFC 2369): the mailto, then the https URL when there is one."""
    parts = [f"<mailto:{mailto}>"] if mailto else []
    if url:
        parts.append(f"<{url}>")
    return ", ".join(parts)


def list_id(label: str, list_name: str, domain: str) -> str:
    """``"Liverpool South" <liverpool-south.lists.example.org>`` (RFC 2919)."""
    label = re.sub(r"[^a-z0-9-]+", "-", label.lower()).strip("-") or "list"
    return f"{_phrase(list_name)} <{label}.{domain}>"


def _phrase(text: str) -> str:
    text = clean(text)
    if not _is_ascii(text):
        return encoded_words(text, 9)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
