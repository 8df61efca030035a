"""Queueing what the membership says back, within the loop and abuse limits.

Every automatic reply goes through ``Replier.reply``: suppressed addresses get
nothing, and no address gets more than the configured number of automatic replies a
day (a forged From can make ftm write to a stranger once or twice, never flood them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists import members, outbox
from lists.outbox import OutgoingMail

log = logging.getLogger(__name__)


@dataclass
class Replier:
    """Queues replies for one command; counts what it queued and what it held back."""

    db: sqlite_utils.Database
    now: datetime
    replies_per_day: int
    suppression_key: bytes
    in_reply_to: str | None = None
    queued: list[int] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)

    def reply(self, to_addr: str, template: str, context: dict[str, Any],
              to_name: str | None = None, member_id: int | None = None,
              hub_id: int | None = None, final: bool = False) -> int | None:
        """An automatic reply to the sender of the message in hand; None if held back.

        *final* is for the one mail that confirms an erasure: it goes although the
        address has just been suppressed.
        """
        if final:
            return self._enqueue(OutgoingMail(template=template, to_addr=to_addr,
                                              context=context, kind="reply",
                                              in_reply_to=self.in_reply_to))
        if members.is_suppressed(self.db, to_addr, self.suppression_key):
            self.held_back.append(f"{template}: address suppressed")
            return None
        sent = outbox.replies_since(self.db, to_addr, self.now - timedelta(days=1))
        if sent >= self.replies_per_day:
            log.warning("reply limit reached for outbox recipient (%d today); %s not sent",
                        sent, template)
            self.held_back.append(f"{template}: {sent} replies already today")
            return None
        return self._enqueue(OutgoingMail(template=template, to_addr=to_addr, to_name=to_name,
                                          context=context, kind="reply", member_id=member_id,
                                          hub_id=hub_id, in_reply_to=self.in_reply_to))

    def notify(self, to_addr: str, template: str, context: dict[str, Any],
               member_id: int | None = None, hub_id: int | None = None) -> int | None:
        """A notice to an officer (not a reply: no per-day cap, but never to a suppressed one)."""
        if members.is_suppressed(self.db, to_addr, self.suppression_key):
            self.held_back.append(f"{template}: officer address suppressed")
            return None
        return self._enqueue(OutgoingMail(template=template, to_addr=to_addr, context=context,
                                          kind="notice", member_id=member_id, hub_id=hub_id))

    def _enqueue(self, mail: OutgoingMail) -> int:
        outbox_id = outbox.enqueue(self.db, mail, self.now)
        self.queued.append(outbox_id)
        return outbox_id
