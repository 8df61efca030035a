"""Raw message bytes to a frozen ``Parsed`` value: the headers we use and the decoded text.

Parsing uses the ``compat32`` policy (several times faster than the default policy) and
decodes only what classification needs: the readable body (text/plain preferred, HTML
converted when it is all there is), with the new text split from quotes and signature.
Attachments are counted, never read. Anything malformed is recorded in ``defects``;
nothing here raises on bad input.
"""

from __future__ import annotations

import email
import email.policy
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from types import MappingProxyType

from inbox import decode, quotes
from inbox.context import Context
from inbox.routes import TOKEN_ACTIONS, Route, delivery_id, outbox_id, outbox_ids, route

log = logging.getLogger(__name__)

# Headers kept (decoded, first occurrence) for the classifiers.
KEPT_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "x-auto-response-suppress",
                "precedence", "x-precedence", "list-id", "list-unsubscribe", "list-post",
                "x-mailer", "user-agent", "return-path", "x-failed-recipients",
                "x-mailchimp-campaign", "feedback-id", "x-campaign", "x-spam-flag",
                "x-spam-status", "x-ms-exchange-inbox-rules-loop", "sender")
_RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")
_WANTED = frozenset({*KEPT_HEADERS, *_RECIPIENT_HEADERS, "from", "reply-to", "subject", "date",
                     "message-id", "in-reply-to", "references", "authentication-results"})
_MSGID = re.compile(r"<[^<>\s]{1,500}>")
_MAX_DEPTH = 30
_MAX_PARTS = 500
_MAX_TEXT = 200_000  # characters of body text kept for classification


@dataclass(frozen=True, slots=True)
class Parsed:
    """One inbound message, decoded: what the classifier and extractors look at."""

    message_id: str = ""
    subject: str = ""
    date: datetime | None = None
    from_name: str = ""
    from_addr: str = ""
    reply_to: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    auth_results: tuple[str, ...] = ()
    content_type: str = "text/plain"
    report_type: str = ""
    text: str = ""
    new: str = ""
    quoted: str = ""
    signature: str = ""
    forwarded: bool = False
    html_only: bool = False
    attachments: int = 0
    size: int = 0
    oversized: bool = False
    routes: tuple[Route, ...] = ()
    reply_to_ours: int | None = None
    reply_to_delivery: int | None = None   # a delivery of a bulk send of ours (list mail)
    defects: tuple[str, ...] = ()
    message: Message | None = field(default=None, compare=False, repr=False)

    def header(self, name: str) -> str:
        """A kept header's decoded value, or ""."""
        return self.headers.get(name.lower(), "")

    def route(self, action: str) -> Route | None:
        """The first of our sub-addresses this was sent to with *action*, if any."""
        return next((r for r in self.routes if r.action == action), None)


def parse(raw: bytes, ctx: Context) -> Parsed:
    """Parse *raw* message bytes; never raises. Larger than ``ctx.max_bytes``: headers only."""
    defects: list[str] = []
    oversized = len(raw) > ctx.max_bytes
    try:
        if oversized:
            defects.append(f"message of {len(raw)} bytes is over the {ctx.max_bytes} byte cap")
            msg = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[:262_144])
        else:
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as e:  # the parser is lenient; this is belt and braces
        defects.append(f"unparseable message ({type(e).__name__})")
        return Parsed(size=len(raw), oversized=oversized, defects=tuple(defects))
    try:
        return _parsed(msg, raw, ctx, oversized, defects)
    except RecursionError:
        defects.append("MIME structure too deep")
        return Parsed(size=len(raw), oversized=oversized, defects=tuple(defects))


def _parsed(msg: Message, raw: bytes, ctx: Context, oversized: bool,
            defects: list[str]) -> Parsed:
    if msg.defects:
        defects.extend(type(d).__name__ for d in msg.defects[:5])
    headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        key = name.lower()
        if key in _WANTED:
            headers.setdefault(key, []).append(str(value))

    def get(name: str) -> str:
        values = headers.get(name)
        return values[0] if values else ""

    froms = decode.addresses(headers.get("from", []))
    from_name, from_addr = froms[0] if froms else ("", "")
    recipients = tuple(dict.fromkeys(decode.bare_addresses(
        [v for h in _RECIPIENT_HEADERS for v in headers.get(h, [])])))
    in_reply_to = _first_id(get("in-reply-to"))
    references = tuple(_MSGID.findall(get("references")))
    ours = [i for i in (outbox_id(m, ctx) for m in (in_reply_to, *reversed(references)))
            if i is not None]
    lists = [i for i in (delivery_id(m, ctx) for m in (in_reply_to, *reversed(references)))
             if i is not None]
    routes = tuple(r for r in (route(a, ctx) for a in recipients) if r)
    text, html_only, attachments = ("", False, 0) if oversized else _body(msg, defects)
    split = quotes.split(text)
    if not routes and text:
        # a token address pasted or quoted in the body still ties a reply to our mail;
        # a hub or bulletin address merely mentioned does not make this a post to it
        routes = tuple(r for r in (route(a, ctx) for a in _our_addresses_in(text, ctx))
                       if r and r.action in TOKEN_ACTIONS)
    content_type = msg.get_content_type()
    if not ours and content_type == "multipart/report":
        ours = outbox_ids(text, ctx)
    return Parsed(
        message_id=_first_id(get("message-id")),
        subject=decode.decode_words(get("subject")),
        date=_date(get("date")),
        from_name=from_name,
        from_addr=from_addr,
        reply_to=tuple(a for _, a in decode.addresses(headers.get("reply-to", []))),
        recipients=recipients,
        in_reply_to=in_reply_to,
        references=references,
        headers=MappingProxyType({h: decode.decode_words(headers[h][0]) for h in KEPT_HEADERS
                                  if h in headers}),
        auth_results=tuple(decode.decode_words(v)
                           for v in headers.get("authentication-results", [])),
        content_type=content_type,
        report_type=str(msg.get_param("report-type") or "").lower()
        if content_type == "multipart/report" else "",
        text=text,
        new=split.new,
        quoted=split.quoted,
        signature=split.signature,
        forwarded=split.forwarded,
        html_only=html_only,
        attachments=attachments,
        size=len(raw),
        oversized=oversized,
        routes=routes,
        reply_to_ours=ours[0] if ours else None,
        reply_to_delivery=lists[0] if lists else None,
        defects=tuple(defects),
        message=msg,
    )


def _first_id(value: str) -> str:
    m = _MSGID.search(value or "")
    return m.group(0) if m else (value or "").strip()[:500]


_DATE = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})"
                   r"\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})\b")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), 1)}


def _date(value: str) -> datetime | None:
    """The Date header as an aware datetime; None when it cannot be read."""
    if not value:
        return None
    m = _DATE.match(value)
    month = _MONTHS.get(m.group(2).lower()) if m else None
    if m and month:  # the common RFC 5322 shape, read without the general parser
        try:
            offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
            return datetime(int(m.group(3)), month, int(m.group(1)), int(m.group(4)),
                            int(m.group(5)), int(m.group(6) or 0),
                            tzinfo=timezone(-offset if m.group(7) == "-" else offset))
        except ValueError:
            pass
    try:
        dt = parsedate_to_datetime(decode.decode_words(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _our_addresses_in(text: str, ctx: Context) -> list[str]:
    """Our sub-addresses written in the body (a pasted or quoted confirmation address)."""
    if ctx.delimiter not in text or "@" not in text:
        return []
    pat = _our_pattern(ctx.local, ctx.delimiter, ctx.domain)
    return list(dict.fromkeys(m.group(0) for m in pat.finditer(text)))


@functools.lru_cache(maxsize=8)
def _our_pattern(local: str, delimiter: str, domain: str) -> re.Pattern[str]:
    return re.compile(re.escape(local + delimiter) + r"[A-Za-z0-9_=.-]{1,140}@"
                      + re.escape(domain), re.I)


def _walk(msg: Message) -> Iterator[tuple[Message, int, bool]]:
    """(part, depth, inside an attached message) for every part, bounded in depth and count."""
    stack: list[tuple[Message, int, bool]] = [(msg, 0, False)]
    seen = 0
    while stack and seen < _MAX_PARTS:
        part, depth, enclosed = stack.pop()
        seen += 1
        yield part, depth, enclosed
        if depth >= _MAX_DEPTH:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            inner = enclosed or part.get_content_type() == "message/rfc822"
            stack.extend((p, depth + 1, inner) for p in reversed(payload)
                         if isinstance(p, Message))


_PARAM = re.compile(r';\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


def _type_and_params(part: Message) -> tuple[str, dict[str, str]]:
    """The content type of *part* and its parameters (names lower-cased, quotes removed).

    Read straight from the header, as ``get_content_type`` would (a malformed type is
    text/plain); the few parameters we use (charset, format, delsp, name) need no RFC 2231
    decoding, and email's own parameter parser is the slowest step here.
    """
    value = part.get("content-type")
    if not value:
        return part.get_default_type(), {}
    value = str(value)
    ctype = value.split(";", 1)[0].strip().lower()
    if ctype.count("/") != 1:
        ctype = "text/plain"
    out: dict[str, str] = {}
    for key, val in _PARAM.findall(value):
        out.setdefault(key.lower().rstrip("*"), val.strip('"').strip())
    return ctype, out


def _body(msg: Message, defects: list[str]) -> tuple[str, bool, int]:
    """(readable text, whether it came from HTML, attachments counted).

    HTML parts are decoded only when there is no plain text to read.
    """
    plains: list[str] = []
    htmls: list[tuple[Message, dict[str, str]]] = []
    attachments = 0
    for part, _depth, enclosed in _walk(msg):
        if enclosed or part.is_multipart():
            continue
        ctype, params = _type_and_params(part)
        if ctype in ("message/delivery-status", "message/feedback-report",
                     "text/rfc822-headers", "message/rfc822-headers"):
            continue
        disp = str(part.get("content-disposition") or "").lower()
        if (disp.startswith("attachment") or "filename" in disp or "name" in params
                or not ctype.startswith("text/")):
            attachments += 1
        elif ctype == "text/plain":
            plains.append(_part_text(part, params, defects))
        elif ctype == "text/html":
            htmls.append((part, params))
    plain = "\n\n".join(t for t in plains if t.strip())
    if plain.strip() or not htmls:
        return decode.clean_text(plain)[:_MAX_TEXT], False, attachments
    html = "\n".join(_part_text(part, params, defects) for part, params in htmls)
    if not html.strip():
        return "", False, attachments
    return decode.clean_text(decode.html_to_text(html[:2_000_000]))[:_MAX_TEXT], True, attachments


def _part_text(part: Message, params: dict[str, str], defects: list[str]) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception as e:
        defects.append(f"undecodable part ({type(e).__name__})")
        return ""
    if not isinstance(data, bytes):
        return ""
    text = decode.decode_bytes(data, params.get("charset"))
    if params.get("format", "").lower() == "flowed":
        text = _unflow(text, params.get("delsp", "").lower() == "yes")
    return text


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (a trailing space continues the line)."""
    out: list[str] = []
    buf = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            buf += line[:-1] if delsp else line
            continue
        out.append(buf + line)
        buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)
