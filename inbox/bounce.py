"""Delivery failures: RFC 3464 reports and the shapes MTAs really send, via flufl.bounce.

``detect`` first asks whether a message is a bounce at all (cheap header and text
tests), and only then runs the detectors: GNU Mailman's flufl.bounce for the failed
recipients of every common MTA, plus our own reading of ``message/delivery-status``
for the action, status code and diagnostic. The outbox id comes from a Message-ID of
ours quoted in the returned headers, or from a ``+bounce-`` address (VERP).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import Message

from inbox.context import Context
from inbox.parse import Parsed
from inbox.routes import is_ours, outbox_ids
from inbox.rules import rules, score

log = logging.getLogger(__name__)

_DAEMON = re.compile(r"^(?:mailer-daemon|mail-daemon|postmaster|mailerdaemon|mdaemon|mailer"
                     r"|bounces?|bounce-notifications?|nobody|mail\.?delivery)\b", re.I)
_DAEMON_NAME = re.compile(r"\b(?:mail delivery|mailer-daemon|postmaster|delivery (?:status|"
                          r"subsystem|system|service))\b", re.I)
_SUBJECT = re.compile(
    r"\b(?:undeliver(?:ed|able)|undelivered mail|delivery (?:status notification|failure"
    r"|failed|has failed|incomplete|delayed|problem|notification)|returned mail|failure notice"
    r"|mail delivery failed|could not be delivered|non[- ]?delivery|nondeliverable|message not"
    r" delivered|delayed mail|warning: could not send|returned to sender|unzustellbar"
    r"|delay(?:ed)? (?:notification|warning|mail|message)|message delayed|could not send"
    r"|couldn'?t send|unable to deliver|not deliverable|delivery report|mail system error"
    r"|nicht zustellbar|non remis|no se puede entregar|niedostarcz|onbestelbaar"
    r"|message (?:blocked|quarantined|rejected|refused|held))\b", re.I)
_TEXT = rules((
    r"\b(?:could not be delivered|couldn'?t be delivered|permanent (?:error|failure|fatal)"
    r"|delivery (?:has )?failed|user unknown|unknown user|no such user|mailbox (?:does not exist"
    r"|unavailable|not found|is full|full)|address rejected|recipient address rejected"
    r"|does not like recipient|delivery to the following recipients? failed|the following"
    r" address(?:\(es\)|es)? failed|undeliverable|will be retried|still being retried"
    r"|temporary failure|delivery temporarily suspended)\b", 0.45,
    "text reports a delivery failure"),
    # a mail filter's notice to the sender (Proofpoint, Mimecast, Barracuda): held or
    # blocked on the way in, so the recipient never gets it
    (r"\b(?:message|e-?mail)\b(?:[^.!?]|\.(?=\w)){0,80}\b(?:will not|won'?t|was not|wasn'?t"
     r"|has not been|hasn'?t been|cannot|can'?t) be delivered\b"
     r"|\b(?:your )?(?:message|e-?mail|mail)(?: (?:to|for) \S+)? (?:has been|was|is|have been)"
     r" (?:blocked|quarantined|rejected|refused|held)\b(?! (?:for|pending) (?:review|moderation"
     r"|approval))", 0.6, "text says the message was blocked, not delivered"))
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_CODE = re.compile(r"\b([45])\d\d\b[ -]")
_SOFT_TEXT = re.compile(r"\b(?:warning only|will be retried|still being retried|delayed"
                        r"|temporar(?:y|ily)|try again later|mailbox (?:is )?full"
                        r"|over quota|quota exceeded)\b", re.I)
_ADDR = re.compile(r"<?([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)>?")


@dataclass(frozen=True, slots=True)
class Bounce:
    """What a delivery failure says: who failed, how badly, and which mail of ours it was."""

    recipients: tuple[str, ...]
    kind: str  # "hard" (failed for good) or "soft" (delayed, or a 4.x.x failure)
    status: str = ""  # the RFC 3463 status code, e.g. "5.1.1"
    diagnostic: str = ""
    action: str = ""  # the DSN Action: failed, delayed, ...
    outbox_id: int | None = None

    def to_json(self) -> dict[str, object]:
        return {"recipients": list(self.recipients), "kind": self.kind, "status": self.status,
                "diagnostic": self.diagnostic, "action": self.action,
                "outbox_id": self.outbox_id}


def looks_like_bounce(p: Parsed, body: str) -> tuple[float, list[str]]:
    """(score, reasons) from headers and text alone: cheap, run on every message.

    *body* is the new text flattened (``inbox.rules.flatten``).
    """
    reasons: list[str] = []
    miss = 1.0
    if p.report_type == "delivery-status":
        return 1.0, ["multipart/report delivery-status (RFC 3464)"]
    local = p.from_addr.partition("@")[0]
    if _DAEMON.match(local) or _DAEMON_NAME.search(p.from_name):
        miss *= 0.45
        reasons.append(f"sent by {p.from_addr or p.from_name}")
    if p.header("return-path").strip() in ("<>", "") and p.header("return-path"):
        miss *= 0.7
        reasons.append("null return path")
    if p.header("x-failed-recipients"):
        miss *= 0.3
        reasons.append("X-Failed-Recipients header")
    if _SUBJECT.search(p.subject):
        miss *= 0.4
        reasons.append("subject reports a delivery failure")
    s, why = score(_TEXT, body)
    miss *= 1.0 - s
    reasons.extend(why)
    return 1.0 - miss, reasons


def detect(p: Parsed, ctx: Context) -> Bounce:
    """The details of a message already judged a bounce (never raises)."""
    temporary: set[str] = set()
    permanent: set[str] = set()
    if p.message is not None:
        try:
            from flufl.bounce import all_failures

            temp, perm = all_failures(p.message)
            temporary = {_addr(a) for a in temp}
            permanent = {_addr(a) for a in perm}
        except Exception as e:  # a detector tripping over odd input: fall back to ours
            log.debug("flufl.bounce failed on %s: %s", p.message_id, type(e).__name__)
    dsn = _dsn_fields(p.message) if p.message is not None else []
    recipients = [a for a in [*sorted(permanent), *sorted(temporary),
                              *(f.get("recipient", "") for f in dsn)] if a]
    if not recipients:
        recipients = _text_recipients(p, ctx)
    recipients = [a for a in dict.fromkeys(recipients) if a and not is_ours(a, ctx)]
    first = dsn[0] if dsn else {}
    status = first.get("status", "")
    if not status:
        m = _STATUS.search(p.new)
        status = m.group(0) if m else ""
    action = first.get("action", "").lower()
    diagnostic = first.get("diagnostic", "") or _diagnostic_line(p.new)
    kind = _kind(action, status, permanent, temporary, p.new)
    return Bounce(tuple(recipients), kind, status, diagnostic[:300], action,
                  _outbox_id(p, ctx))


def _addr(a: bytes | str) -> str:
    text = a.decode("utf-8", "replace") if isinstance(a, bytes) else a
    local, _, domain = text.strip().strip("<>").partition("@")
    return f"{local}@{domain.lower()}" if domain else ""


def _dsn_fields(msg: Message) -> list[dict[str, str]]:
    """Per-recipient fields of every message/delivery-status part."""
    out: list[dict[str, str]] = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks:
            if not isinstance(block, Message):
                continue
            rcpt = str(block.get("final-recipient") or block.get("original-recipient") or "")
            if not rcpt:
                continue
            out.append({
                "recipient": _addr(rcpt.rpartition(";")[2]),
                "action": str(block.get("action") or "").strip(),
                "status": (_STATUS.search(str(block.get("status") or "")) or _NOMATCH).group(0),
                "diagnostic": " ".join(str(block.get("diagnostic-code") or "").split()),
            })
        if len(out) > 50:
            break
    return out


class _NoMatch:
    @staticmethod
    def group(_n: int) -> str:
        return ""


_NOMATCH = _NoMatch()


def _text_recipients(p: Parsed, ctx: Context) -> list[str]:
    """Addresses a non-standard failure notice names before the returned copy."""
    failed = p.header("x-failed-recipients")
    if failed:
        return [_addr(a) for a in _ADDR.findall(failed)]
    sender = p.from_addr.lower()
    out = []
    for m in _ADDR.finditer(p.new[:5000]):
        a = _addr(m.group(1))
        if a and a.lower() != sender and not is_ours(a, ctx) \
                and not _DAEMON.match(a.partition("@")[0]):
            out.append(a)
    return out


def _diagnostic_line(text: str) -> str:
    for line in text.split("\n"):
        if _STATUS.search(line) or _SMTP_CODE.search(line):
            return " ".join(line.split())
    return ""


def _kind(action: str, status: str, permanent: set[str], temporary: set[str], text: str) -> str:
    if action in ("delayed", "relayed", "delivered", "expanded"):
        return "soft"
    if status.startswith("5") or action == "failed" and not status.startswith("4"):
        return "hard"
    if status.startswith("4"):
        return "soft"
    if permanent:
        return "hard"
    if temporary or _SOFT_TEXT.search(text):
        return "soft"
    return "hard"


def _outbox_id(p: Parsed, ctx: Context) -> int | None:
    """Our outbox id: a VERP address, else a Message-ID of ours in the returned mail."""
    verp = p.route("bounce")
    if verp is not None:
        m = re.match(r"(\d+)\b", verp.value)
        if m:
            return int(m.group(1))
    if p.reply_to_ours is not None:
        return p.reply_to_ours
    if p.message is not None:
        for part in p.message.walk():
            if part.is_multipart():
                for inner in part.get_payload():
                    if isinstance(inner, Message) and inner.get("message-id"):
                        ids = outbox_ids(str(inner.get("message-id")), ctx)
                        if ids:
                            return ids[0]
                continue
            payload = part.get_payload()
            if isinstance(payload, str):
                ids = outbox_ids(payload[:200_000], ctx)
                if ids:
                    return ids[0]
    ids = outbox_ids(p.quoted, ctx)
    return ids[0] if ids else None


# flufl.bounce announces every detector it runs at INFO; only its warnings are news here.
logging.getLogger("flufl.bounce").setLevel(logging.WARNING)
