"""The small frozen value the pure inbound functions are given instead of settings or a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Context:
    """What parsing and classifying need to know about the deployment, and the time.

    ``address`` is the shared mailbox (``forthemany.network@gmail.com``); sub-addresses
    are ``local + delimiter + action-TOKEN @ domain``. ``message_id_domain`` is the right
    side of our outgoing Message-IDs (``<ftm.oROW.HEX@DOMAIN>``). ``authserv_id`` is the
    only Authentication-Results issuer trusted ("" trusts none). ``now`` stands in for a
    message without a usable Date.
    """

    address: str = "forthemany.network@gmail.com"
    delimiter: str = "+"
    message_id_domain: str = "forthemany.network"
    authserv_id: str = ""
    review_threshold: float = 0.6
    max_bytes: int = 10_000_000
    now: datetime = datetime(2025, 1, 1, tzinfo=UTC)

    @property
    def local(self) -> str:
        """The shared mailbox's local part, lower case."""
        return self.address.rpartition("@")[0].lower()

    @property
    def domain(self) -> str:
        """The shared mailbox's domain, lower case."""
        return self.address.rpartition("@")[2].lower()
