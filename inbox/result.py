"""The classification of one inbound message: the value the membership code consumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox.auth import Dkim
from inbox.bounce import Bounce
from inbox.event import Event

INTENTS = ("join", "commit", "join_commit", "leave", "erase", "move", "status", "help", "event",
           "bulletin", "hub_post", "org_join", "auto_reply", "bounce", "spam", "review")
# Machine mail: never answered, never a membership change.
MACHINE = frozenset({"auto_reply", "bounce", "spam"})
# Intents that make ftm answer or change membership.
ACTING = frozenset(INTENTS) - MACHINE - {"review"}


@dataclass(frozen=True, slots=True)
class Classification:
    """What a message asks, about whom, how sure we are and why.

    ``email`` is the person the message is about (for a bounce: the failed recipient);
    ``token``/``token_action`` come from one of our sub-addresses (``+confirm-TOKEN``);
    ``reply_to_ours`` is the outbox id of our mail this answers; ``auto_submitted`` is
    True for any RFC 3834 ``Auto-Submitted`` other than ``no``.
    """

    intent: str
    confidence: float
    reasons: tuple[str, ...]
    email: str | None = None
    name: str | None = None
    postcode: str | None = None
    commitment: bool = False
    organisation: str | None = None
    token: str | None = None
    token_action: str | None = None
    reply_to_ours: int | None = None
    hub_slug: str | None = None
    to_bulletin: bool = False
    auto_submitted: bool = False
    message_id: str = ""
    subject: str = ""
    body: str = ""
    from_addr: str = ""
    date: datetime | None = None
    attachments: int = 0
    size: int = 0
    event: Event | None = None
    bounce: Bounce | None = None
    dkim: Dkim | None = None

    def __post_init__(self) -> None:
        if self.intent not in INTENTS:
            raise ValueError(f"unknown intent {self.intent!r}")

    @property
    def is_machine(self) -> bool:
        """Mail written by a machine: never answer it."""
        return self.intent in MACHINE

    def to_json(self, file: str | None = None) -> dict[str, Any]:
        """The JSON object ``ftm classify --json`` prints (the corpus label keys first)."""
        out: dict[str, Any] = {}
        if file is not None:
            out["file"] = file
        out.update({
            "intent": self.intent, "email": self.email, "name": self.name,
            "postcode": self.postcode, "commitment": self.commitment,
            "confidence": round(self.confidence, 3), "reasons": list(self.reasons),
            "organisation": self.organisation, "token": self.token,
            "token_action": self.token_action, "reply_to_ours": self.reply_to_ours,
            "hub_slug": self.hub_slug, "to_bulletin": self.to_bulletin,
            "auto_submitted": self.auto_submitted, "message_id": self.message_id,
            "subject": self.subject, "from": self.from_addr,
            "date": self.date.isoformat() if self.date else None,
            "attachments": self.attachments, "size": self.size,
            "event": self.event.to_json() if self.event else None,
            "bounce": self.bounce.to_json() if self.bounce else None,
            "dkim": self.dkim.to_json() if self.dkim else None,
            "body": self.body,
        })
        return out
