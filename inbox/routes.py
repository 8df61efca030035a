"""Our own addresses and Message-IDs: sub-address routes and outbox ids they carry back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inbox.context import Context

# Sub-address actions and their aliases, in one table (``network+unsubscribe@`` = unsub).
ACTIONS: dict[str, str] = {
    "confirm": "confirm", "unsub": "unsub", "unsubscribe": "unsub", "leave": "unsub",
    "bounce": "bounce", "hub": "hub", "bulletin": "bulletin", "approve": "approve",
    "join": "join", "subscribe": "join", "help": "help", "status": "status", "erase": "erase",
}
# Actions that carry a token (``confirm-TOKEN``); ``hub-SLUG`` carries a slug.
TOKEN_ACTIONS = {"confirm", "unsub", "bounce", "approve", "erase"}
_TOKEN = re.compile(r"^[A-Za-z0-9_=.-]{1,128}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_OUR_ID = re.compile(r"<?\s*ftm\.o(\d{1,18})\.([0-9a-f]{4,64})@([^>\s]+)\s*>?", re.I)


@dataclass(frozen=True, slots=True)
class Route:
    """What one of our addresses says: ``("confirm", "TOKEN")``, ``("hub", "leeds")``."""

    action: str
    value: str
    address: str


def route(addr: str, ctx: Context) -> Route | None:
    """The route an address of ours names, or None for the bare mailbox and others' addresses.

    >>> route("forthemany.network+confirm-AbC123@gmail.com", Context())
    Route(action='confirm', value='AbC123', address='forthemany.network+confirm-abc123@gmail.com')
    """
    local, _, domain = addr.rpartition("@")
    if domain.lower() != ctx.domain:
        return None
    base, delim, sub = local.partition(ctx.delimiter)
    if base.lower() != ctx.local or not delim or not sub:
        return None
    name, _, value = sub.partition("-")
    action = ACTIONS.get(name.lower())
    if action is None:
        return None
    if action in TOKEN_ACTIONS:
        if not _TOKEN.match(value):
            return None
    elif action == "hub":
        value = value.lower()
        if not _SLUG.match(value):
            return None
    return Route(action, value, addr.lower())


def is_ours(addr: str, ctx: Context) -> bool:
    """The shared mailbox itself or any sub-address of it."""
    local, _, domain = addr.lower().rpartition("@")
    return domain == ctx.domain and local.partition(ctx.delimiter)[0] == ctx.local


def outbox_id(message_id: str, ctx: Context) -> int | None:
    """The outbox row a Message-ID of ours names (``<ftm.o123.4f2a@DOMAIN>`` -> 123)."""
    m = _OUR_ID.search(message_id or "")
    if m and m.group(3).lower() == ctx.message_id_domain.lower():
        return int(m.group(1))
    return None


def outbox_ids(text: str, ctx: Context) -> list[int]:
    """Every outbox id named by a Message-ID of ours anywhere in *text*, in order."""
    out = []
    for m in _OUR_ID.finditer(text or ""):
        if m.group(3).lower() == ctx.message_id_domain.lower():
            out.append(int(m.group(1)))
    return out


def addresses_in(text: str) -> list[str]:
    """Email addresses written in free text, lower-cased, in order, without repeats."""
    seen: list[str] = []
    for m in _ADDR.finditer(text):
        a = m.group(0).strip(".").lower()
        if a not in seen:
            seen.append(a)
    return seen


_ADDR = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
