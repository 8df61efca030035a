"""The membership rules' settings (``Policy``) and what applying a command ended in (``Result``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from lists.principles import Principles


@dataclass(frozen=True, slots=True)
class Policy:
    """What the membership rules need from the deployment's settings."""

    address: str                    # the network's address: network@example.org
    delimiter: str                  # "+"
    principles: Principles
    suppression_key: bytes
    token_ttl: timedelta = timedelta(days=30)
    replies_per_day: int = 10
    signups_per_hour: int = 500
    signups_per_sender_per_day: int = 3
    trust_dkim_for_join: bool = False
    # the hub lists (#8)
    timezone: str = "Europe/London"            # events are written in local time
    approval_ttl: timedelta = timedelta(days=7)  # how long an approval code works
    digest_hour: int = 8                       # local hour digests go out
    digest_weekday: int = 0                    # weekly digests: 0 Monday ... 6 Sunday
    reminder_hour: int = 9                     # local hour, the day before an event
    hard_bounces_to_disable: float = 3.0       # bounce score that disables a member

    @property
    def domain(self) -> str:
        return self.address.split("@", 1)[1]

    def sub_address(self, tag: str) -> str:
        local, domain = self.address.split("@", 1)
        return f"{local}{self.delimiter}{tag}@{domain}"


@dataclass(frozen=True, slots=True)
class Result:
    action: str
    folder: str = "processed"
    reason: str = ""
    member_id: int | None = None
    replies: int = 0
    held_back: tuple[str, ...] = field(default_factory=tuple)
