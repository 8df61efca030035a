"""The small frozen values the mailer runs on; ``ftm`` fills them from its settings."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Literal, Protocol

Security = Literal["tls", "starttls", "none"]


class AccessTokens(Protocol):
    """Where an XOAUTH2 login gets its access token; asked at every login.

    ``token()`` may block briefly to fetch a fresh token, and raises an
    ``mailer.smtpreply.SmtpError`` when none can be had (ftm maps its OAuth errors so).
    ``invalidate(token)`` tells it the relay refused *token*.
    """

    def token(self) -> str | None: ...

    def invalidate(self, token: str) -> None: ...


@dataclass(frozen=True, slots=True)
class FixedToken:
    """One access token, used as it is (it is never refreshed)."""

    value: str = field(repr=False)

    def token(self) -> str | None:
        return self.value

    def invalidate(self, token: str) -> None:
        """A fixed token cannot be replaced: nothing to do."""


@dataclass(frozen=True, slots=True)
class RelayConfig:
    """One SMTP relay and its limits. Secrets are kept out of ``repr`` (and so out of logs)."""

    host: str
    port: int
    security: Security = "starttls"
    username: str = ""
    password: str | None = field(default=None, repr=False)
    auth: Literal["password", "xoauth2"] = "password"
    oauth: AccessTokens | None = field(default=None, repr=False, compare=False)
    rate: float = 2.0              # messages per second
    concurrency: int = 2           # parallel connections
    daily_quota: int = 500         # messages in any rolling 24 hours
    verp: bool = False             # per-recipient envelope sender
    timeout: float = 30.0          # seconds before a silent relay counts as failed
    helo: str = "localhost"        # our name in EHLO
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The relay's key in the quota ledger: host, port and login."""
        return f"{self.host}:{self.port}:{self.username}"

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context to verify the relay with (the system's CAs unless one was given)."""
        return self.tls_context or ssl.create_default_context()


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the network is in its mail: name, addresses, links, and the HMAC key for ids."""

    name: str
    address: str
    key: bytes = field(repr=False)
    delimiter: str = "+"
    reply_to: str = ""
    base_url: str = ""
    message_id_domain: str = "forthemany.network"
    help_contact: str = ""

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]

    def sub_address(self, tag: str) -> str:
        """``network+TAG@domain``: one of the network's machine routes."""
        local, domain = self.address.rsplit("@", 1)
        return f"{local}{self.delimiter}{tag}@{domain}"


@dataclass(frozen=True, slots=True)
class DkimConfig:
    """DKIM signing: on when a private key (PEM) is given."""

    selector: str
    domain: str
    private_key: bytes = field(repr=False)
