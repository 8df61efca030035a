"""What both inbound paths (IMAP watcher, SMTP/LMTP receiver) do around the processor.

They call it through ``process_safely``: a crash becomes a ``failed`` Outcome logged
with the message's Message-ID (one bad message never stops the loop), while a store
outage (``StoreBusy``, ``StoreError``, a locked or full database) passes through so the
message is retried later instead of being filed. ``log_outcome`` writes the one line
per message that the daemon's log (and journald) shows.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from email.parser import BytesHeaderParser
from email.policy import compat32

from inbox.outcome import Outcome, Processor
from lists.store import StoreError

log = logging.getLogger(__name__)

# sqlite3 errors that say "the store cannot be used right now", not "this message is bad"
_STORE_DOWN = ("locked", "busy", "disk", "full", "readonly", "unable to open")


def message_id_of(raw: bytes) -> str:
    """The message's Message-ID as one safe log token, or a content hash without one."""
    head = raw[:65536]
    for sep in (b"\r\n\r\n", b"\n\n"):
        if sep in head:
            head = head.split(sep, 1)[0]
            break
    try:
        value = BytesHeaderParser(policy=compat32).parsebytes(head).get("Message-ID")
    except Exception:  # a header block the parser chokes on still gets a name
        value = None
    text = " ".join(str(value or "").split())[:200]
    if text:
        return text
    return f"<no-message-id sha256:{hashlib.sha256(raw).hexdigest()[:16]}>"


def store_unavailable(exc: BaseException) -> bool:
    """True when *exc* means the store is busy or broken rather than the message bad."""
    if isinstance(exc, StoreError):
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc).lower() for word in _STORE_DOWN)


def process_safely(processor: Processor, raw: bytes, received_via: str) -> Outcome:
    """Call *processor*; a crash becomes a ``failed`` Outcome, a store outage is re-raised."""
    try:
        return processor(raw, received_via)
    except Exception as e:
        if store_unavailable(e):
            raise
        mid = message_id_of(raw)
        reason = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        log.error("%s processing crashed (%s); filed under failed", mid, reason, exc_info=True)
        return Outcome(message_id=mid, intent="unknown", action="processing crashed",
                       folder="failed", reason=reason)


def log_outcome(outcome: Outcome, received_via: str, where: str = "") -> None:
    """One line per message: Message-ID, intent, outcome, folder, and why if not plain."""
    extra = " duplicate" if outcome.duplicate else ""
    if outcome.reason:
        extra += f' reason="{" ".join(outcome.reason.split())[:200]}"'
    if outcome.replies:
        extra += f" replies={outcome.replies}"
    level = logging.WARNING if outcome.folder == "failed" else logging.INFO
    log.log(level, '%s intent=%s outcome="%s" folder=%s via=%s%s%s', outcome.message_id,
            outcome.intent, outcome.action, outcome.folder, received_via,
            f" {where}" if where else "", extra)
