"""Message-IDs and VERP addresses that map our outgoing mail back to its outbox or delivery row.

Every message ftm sends carries ``<ftm.o{ID}.{HMAC10}@{domain}>`` (an outbox row) or
``<ftm.d{ID}.{HMAC10}@{domain}>`` (a delivery of a bulk send). HMAC10 is the first
10 hex digits of HMAC-SHA256(secret key, text): the text is the bare row id for an
outbox row (``"51022"``) and ``"d"`` plus the id for a delivery (``"d7"``). Replies
quote it in In-Reply-To/References and bounces quote the original headers, so a
reply or a DSN is attributed even when the relay rewrote the envelope sender. The
HMAC stops a forged reference from pointing at someone else's mail.

With VERP on, the envelope sender is ``{local}{delim}bounce-{o|d}{ID}-{HMAC10}@{domain}``.

All functions here are pure: the key is passed in.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["o", "d"]

_MSGID = re.compile(r"<?ftm\.([od])(\d{1,18})\.([0-9a-f]{10})@([^>\s]+)>?", re.IGNORECASE)
_VERP = re.compile(r"bounce-([od])(\d{1,18})-([0-9a-f]{10})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MailRef:
    """Which row a Message-ID or bounce address points at: ``kind`` 'o' outbox, 'd' delivery."""

    kind: Kind
    row_id: int


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


@functools.lru_cache(maxsize=16)
def sign(key: bytes, kind: Kind, row_id: int) -> str:
    """The 10 hex digits that prove *row_id* is ours."""
    text = str(row_id) if kind == "o" else f"d{row_id}"
    h = _keyed(key).copy()
    h.update(text.encode())
    return h.hexdigest()[:10]


def make_message_id(key: bytes, kind: Kind, row_id: int, domain: str) -> str:
    """``<ftm.o42.1a2b3c4d5e@forthemany.network>`` for outbox row 42."""
    return f"<ftm.{kind}{row_id}.{sign(key, kind, row_id)}@{domain}>"


def _verified(key: bytes, kind: str, digits: str, mac: str) -> MailRef | None:
    k: Kind = "o" if kind.lower() == "o" else "d"
    row_id = int(digits)
    if hmac.compare_digest(sign(key, k, row_id), mac.lower()):
        return MailRef(k, row_id)
    return None


def parse_message_id(value: str, key: bytes) -> MailRef | None:
    """The row a Message-ID of ours names, or None (not ours, or a forged HMAC).

    >>> parse_message_id(make_message_id(b"k", "o", 7, "x.org"), b"k")
    MailRef(kind='o', row_id=7)
    """
    m = _MSGID.fullmatch(value.strip())
    return _verified(key, m.group(1), m.group(2), m.group(3)) if m else None


def find_references(text: str, key: bytes) -> list[MailRef]:
    """Every verified reference to our mail in *text* (In-Reply-To, References, a DSN body)."""
    found: list[MailRef] = []
    for m in _MSGID.finditer(text):
        ref = _verified(key, m.group(1), m.group(2), m.group(3))
        if ref is not None and ref not in found:
            found.append(ref)
    return found


def verp_address(address: str, delimiter: str, key: bytes, kind: Kind, row_id: int) -> str:
    """``network+bounce-d7-1a2b3c4d5e@example.org``: the envelope sender for one message."""
    local, domain = address.rsplit("@", 1)
    return f"{local}{delimiter}bounce-{kind}{row_id}-{sign(key, kind, row_id)}@{domain}"


def parse_verp(address: str, delimiter: str, key: bytes) -> MailRef | None:
    """The row a bounce address of ours names (``network+bounce-o12-...@``), or None."""
    local = address.strip().strip("<>").rsplit("@", 1)[0]
    if delimiter not in local:
        return None
    m = _VERP.fullmatch(local.split(delimiter, 1)[1])
    return _verified(key, m.group(1), m.group(2), m.group(3)) if m else None
