"""The settings table: one frozen dataclass per ``[section]``, each field with its default and help.

Each field's metadata holds its help text, its choices, whether it is a path
(relative to the config file's folder) and its bounds; ``table()`` reads them into
one row per setting. That one table drives validation and loading (``ftm.settings``),
``ftm config --help``, the starter config that ``ftm init`` writes (``ftm.starter``)
and ``ftm config show``.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from ftm.oauth import TOKEN_URL

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _s(default: Any, help: str, choices: tuple[str, ...] = (), path: bool = False,
       minimum: float | None = None, maximum: float | None = None) -> Any:
    return field(default=default, metadata={"help": help, "choices": choices, "path": path,
                                            "minimum": minimum, "maximum": maximum})


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    name: str = _s("For the Many", "the network's name, shown in From and in every footer")
    address: str = _s("forthemany.network@gmail.com",
                      "the shared mailbox everything is sent from and replied to")
    delimiter: str = _s("+", "sub-address delimiter: network+confirm-TOKEN@...",
                        choices=("+", "-", "="))
    reply_to: str = _s("", "Reply-To for outgoing mail (default: the network address)")
    base_url: str = _s("", "https URL for one-click unsubscribe links (empty: mailto only)")
    message_id_domain: str = _s("forthemany.network",
                                "domain on the right of our Message-IDs")
    timezone: str = _s("Europe/London", "time zone for events and digests")
    help_contact: str = _s("", "a person's address people can write to for help "
                               "(default: the network address)")


@dataclass(frozen=True, slots=True)
class ImapSettings:
    enabled: bool = _s(False, "watch the shared inbox over IMAP")
    host: str = _s("imap.gmail.com", "IMAP server")
    port: int = _s(993, "IMAP port (993 for implicit TLS, 143 for STARTTLS)", minimum=1)
    security: str = _s("tls", "transport security", choices=("tls", "starttls", "none"))
    username: str = _s("", "IMAP login (password: FTM_IMAP_PASSWORD)")
    auth: str = _s("password", "login method (xoauth2: Gmail with OAuth, a refresh token "
                               "in FTM_IMAP_OAUTH_REFRESH_TOKEN)",
                   choices=("password", "xoauth2"))
    mailbox: str = _s("INBOX", "the folder new mail arrives in")
    folder_prefix: str = _s("ftm", "processed mail is moved under this folder")
    idle: bool = _s(True, "use IMAP IDLE where the server offers it")
    poll_seconds: int = _s(60, "seconds between polls when IDLE is off or missing", minimum=1)
    batch_size: int = _s(50, "messages fetched per round trip", minimum=1)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = _s("smtp.gmail.com", "SMTP relay")
    port: int = _s(587, "relay port (587 STARTTLS, 465 implicit TLS, 25 plain)", minimum=1)
    security: str = _s("starttls", "transport security", choices=("tls", "starttls", "none"))
    username: str = _s("", "SMTP login (password: FTM_SMTP_PASSWORD); empty: no AUTH")
    auth: str = _s("password", "login method (xoauth2: Gmail with OAuth, a refresh token "
                               "in FTM_SMTP_OAUTH_REFRESH_TOKEN)",
                   choices=("password", "xoauth2"))
    rate: float = _s(2.0, "most messages per second to this relay", minimum=0.001)
    concurrency: int = _s(2, "parallel connections to this relay", minimum=1)
    daily_quota: int = _s(500, "most messages in any 24 hours (Gmail: 500 to 2000)",
                          minimum=1)
    verp: bool = _s(False, "per-recipient envelope sender (network+bounce-ID@...)")
    timeout: float = _s(30.0, "seconds before a silent relay counts as failed", minimum=1)


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    token_url: str = _s(TOKEN_URL, "where ftm trades a refresh token for access tokens "
                                   "(auth = xoauth2); https only")


@dataclass(frozen=True, slots=True)
class ReceiverSettings:
    enabled: bool = _s(False, "accept mail for the network's addresses over SMTP/LMTP")
    host: str = _s("127.0.0.1", "address the receiver listens on")
    port: int = _s(2525, "port the receiver listens on", minimum=1)
    protocol: str = _s("lmtp", "what the receiver speaks", choices=("smtp", "lmtp"))


@dataclass(frozen=True, slots=True)
class HttpSettings:
    listen: str = _s("", "HOST:PORT where the one-click unsubscribe pages of [network] "
                         "base_url are served, behind your TLS proxy, e.g. 127.0.0.1:8080 "
                         "(empty: off)")

    def address(self) -> tuple[str, int] | None:
        """(host, port) from ``listen``, or None when it is empty (off)."""
        return split_listen(self.listen) if self.listen else None


def split_listen(text: str) -> tuple[str, int]:
    """``"127.0.0.1:8080"`` -> ``("127.0.0.1", 8080)``; ``"[::1]:8080"`` -> ``("::1", 8080)``.

    Raises ValueError with the reason when *text* is not HOST:PORT.
    """
    host, sep, port = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or any(c.isspace() or c in "/[]" for c in host):
        raise ValueError("expected HOST:PORT, like 127.0.0.1:8080")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("the port must be a number from 1 to 65535")
    return host, int(port)


@dataclass(frozen=True, slots=True)
class StoreSettings:
    path: str = _s("ftm.db", "the SQLite database file (created with mode 0600)", path=True)
    busy_timeout_ms: int = _s(5000, "how long a writer waits for another", minimum=0)


@dataclass(frozen=True, slots=True)
class PathsSettings:
    templates_dir: str = _s("", "site templates that override the built-in ones", path=True)
    hubs_file: str = _s("hubs.toml", "the hubs and the postcodes they cover", path=True)
    principles_file: str = _s("principles.md", "the twelve principles members commit to",
                              path=True)


@dataclass(frozen=True, slots=True)
class LimitsSettings:
    max_message_bytes: int = _s(10_000_000, "larger inbound mail goes to review unread",
                                minimum=1000)
    replies_per_address_per_day: int = _s(10, "most automatic replies to one address a day",
                                          minimum=1)
    review_confidence: float = _s(0.6, "below this confidence a message goes to review",
                                  minimum=0)
    pending_reminder_days: int = _s(7, "days before an unconfirmed signup is reminded",
                                    minimum=1)
    pending_expiry_days: int = _s(30, "days before an unconfirmed signup expires", minimum=1)
    token_ttl_days: int = _s(30, "days a confirmation or erase token stays valid", minimum=1)
    signups_per_hour: int = _s(500, "new signups in any hour, network-wide, before more "
                                    "wait for review (a storm)", minimum=1)
    signups_per_sender_per_day: int = _s(3, "new signups one sender's mail may make in a day "
                                            "(signing up others) before review",
                               minimum=1)
    hard_bounces_to_disable: float = _s(3.0, "a member whose mail bounced this many times for "
                                             "good is disabled and their secretary told (a "
                                             "temporary failure counts a quarter)", minimum=0.25)


@dataclass(frozen=True, slots=True)
class ListsSettings:
    approval_ttl_days: int = _s(7, "days an approval code (bulletin, event, post) stays valid",
                                minimum=1)
    bulk_run_seconds: int = _s(40, "seconds one run of the bulk-send job may take before the "
                                   "other jobs get their turn (it resumes 10 s later)",
                               minimum=5)
    digest_hour: int = _s(8, "local hour when hub digests go out", minimum=0, maximum=23)
    digest_weekday: str = _s("monday", "the day weekly digests go out",
                             choices=WEEKDAYS)
    event_reminder_hour: int = _s(9, "local hour, the day before an event, when its reminder "
                                     "goes out", minimum=0, maximum=23)


@dataclass(frozen=True, slots=True)
class AuthSettings:
    authserv_id: str = _s("", "the authserv-id of your own mail provider's "
                              "Authentication-Results (e.g. mx.google.com); empty: trust none")
    trust_dkim_for_join: bool = _s(False, "a join_commit with a trusted DKIM pass needs "
                                          "no confirmation round-trip")


@dataclass(frozen=True, slots=True)
class DkimSettings:
    selector: str = _s("", "DKIM selector; signing is on when a key is given "
                           "(FTM_DKIM_KEY or credential dkim-key)")
    domain: str = _s("", "DKIM signing domain (default: the network address's domain)")


@dataclass(frozen=True, slots=True)
class LogSettings:
    level: str = _s("INFO", "log level", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


SECTIONS: dict[str, type] = {
    "network": NetworkSettings,
    "imap": ImapSettings,
    "smtp": SmtpSettings,
    "oauth": OAuthSettings,
    "receiver": ReceiverSettings,
    "http": HttpSettings,
    "store": StoreSettings,
    "paths": PathsSettings,
    "limits": LimitsSettings,
    "lists": ListsSettings,
    "auth": AuthSettings,
    "dkim": DkimSettings,
    "log": LogSettings,
}


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """One row of the declarative table."""

    section: str
    key: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...]
    path: bool
    minimum: float | None
    maximum: float | None

    @property
    def env(self) -> str:
        return f"FTM_{self.section.upper()}_{self.key.upper()}"

    @property
    def type_name(self) -> str:
        return {bool: "true/false", int: "a whole number", float: "a number",
                str: "text"}[self.type]


def table() -> list[SettingInfo]:
    """Every setting, in the order of the sections above."""
    rows = []
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            rows.append(SettingInfo(section, f.name, hints[f.name], f.default,
                                    f.metadata["help"], f.metadata["choices"],
                                    f.metadata["path"], f.metadata["minimum"],
                                    f.metadata["maximum"]))
    return rows
