"""What processing one inbound message ended in: the value the daemon logs and files by.

The processing entry point (``process(raw_bytes, received_via) -> Outcome``) commits
its transaction before returning; only then does the caller move the IMAP message to
``Outcome.folder``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Folder = Literal["processed", "review", "bounces", "failed"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one inbound message.

    ``action`` is a short past-tense phrase for the log ("pending member created",
    "confirmation sent", "ignored: auto-reply"); ``reason`` says why when the message
    went to review or failed; ``duplicate`` is True when the message had been
    processed before and nothing was done this time.
    """

    message_id: str
    intent: str
    action: str
    folder: Folder = "processed"
    reason: str = ""
    duplicate: bool = False
    replies: int = 0


# The shape of the entry point the watcher and the receiver call.
Processor = Callable[[bytes, str], Outcome]
