"""Small config values for the inner rooms, built from the settings (rooms never import ftm)."""

from __future__ import annotations

from datetime import datetime

from ftm.settings import Settings
from inbox.context import Context


def inbox_context(s: Settings, now: datetime) -> Context:
    """What parsing and classifying inbound mail need to know about this deployment."""
    return Context(address=s.network.address, delimiter=s.network.delimiter,
                   message_id_domain=s.network.message_id_domain,
                   authserv_id=s.auth.authserv_id,
                   review_threshold=s.limits.review_confidence,
                   max_bytes=s.limits.max_message_bytes, now=now)
