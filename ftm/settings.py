"""ftm's settings: one declarative table, loaded from TOML and FTM_* variables.

The table is the set of frozen section dataclasses below; each field carries its help
text, and that one table drives validation, defaults, ``ftm config --help``, the
starter config that ``ftm init`` writes and ``ftm config show``.

Precedence, lowest first: built-in default, the TOML file, ``FTM_<SECTION>_<KEY>``.
Secrets are never read from the TOML file (nor stored in the database): they come
from environment variables or systemd credentials (``$CREDENTIALS_DIRECTORY``).

Exceptions::

    ConfigError       one line naming the file, the key and what was expected
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ftm.credentials import SECRETS, read_secret
from ftm.oauth import TOKEN_URL, token_url_problem


class ConfigError(Exception):
    """A setting is missing, unknown or of the wrong type; the message is one line."""


def _s(default: Any, help: str, choices: tuple[str, ...] = (), path: bool = False,
       minimum: float | None = None) -> Any:
    return field(default=default, metadata={"help": help, "choices": choices, "path": path,
                                            "minimum": minimum})


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


@dataclass(frozen=True, slots=True)
class ListsSettings:
    approval_ttl_days: int = _s(7, "days an approval code (bulletin, event, post) stays valid",
                                minimum=1)
    bulk_run_seconds: int = _s(40, "seconds one run of the bulk-send job may take before the "
                                   "other jobs get their turn (it resumes 10 s later)",
                               minimum=5)


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
                                    f.metadata["path"], f.metadata["minimum"]))
    return rows


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective settings: one frozen object, loaded once and passed down."""

    network: NetworkSettings = field(default_factory=NetworkSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    oauth: OAuthSettings = field(default_factory=OAuthSettings)
    receiver: ReceiverSettings = field(default_factory=ReceiverSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    paths: PathsSettings = field(default_factory=PathsSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    lists: ListsSettings = field(default_factory=ListsSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    dkim: DkimSettings = field(default_factory=DkimSettings)
    log: LogSettings = field(default_factory=LogSettings)
    # where each value came from: "default", the file's path, or an FTM_* variable
    sources: Mapping[str, str] = field(default_factory=dict)
    config_file: Path | None = None
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    def secret(self, name: str) -> str | None:
        """A secret's value from its variable or systemd credential, or None."""
        return read_secret(SECRETS[name], self.environ)

    def secret_source(self, name: str) -> str | None:
        s = SECRETS[name]
        if self.environ.get(s.env):
            return s.env
        creds = self.environ.get("CREDENTIALS_DIRECTORY")
        if creds and (Path(creds) / s.credential).is_file():
            return f"credential {s.credential}"
        return None

    def values(self) -> Iterator[tuple[SettingInfo, Any, str]]:
        """(setting, effective value, source) for every setting."""
        for info in table():
            value = getattr(getattr(self, info.section), info.key)
            yield info, value, self.sources.get(f"{info.section}.{info.key}", "default")


def _coerce(info: SettingInfo, raw: Any, where: str, from_env: bool) -> Any:
    """Check one value against its row; return it typed or raise ConfigError."""
    name = f"[{info.section}] {info.key}"
    expected = info.type_name
    if info.choices:
        expected = "one of " + ", ".join(repr(c) for c in info.choices)
    value: Any = raw
    if from_env:
        text = str(raw).strip()
        try:
            if info.type is bool:
                if text.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                    raise ValueError
                value = text.lower() in ("true", "1", "yes", "on")
            elif info.type is int:
                value = int(text)
            elif info.type is float:
                value = float(text)
            else:
                value = text
        except ValueError:
            raise ConfigError(f"{where}: {name}: expected {expected}, got {text!r}") from None
    ok = {
        bool: lambda v: isinstance(v, bool),
        int: lambda v: isinstance(v, int) and not isinstance(v, bool),
        float: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        str: lambda v: isinstance(v, str),
    }[info.type](value)
    if not ok:
        raise ConfigError(f"{where}: {name}: expected {expected}, got {value!r}")
    if info.type is float:
        value = float(value)
    if info.choices and value not in info.choices:
        raise ConfigError(f"{where}: {name}: expected {expected}, got {value!r}")
    if info.minimum is not None and value < info.minimum:
        raise ConfigError(f"{where}: {name}: expected at least {info.minimum:g}, got {value!r}")
    return value


def load(path: str | os.PathLike[str] | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """Load settings: defaults, then the TOML file (if any), then FTM_* variables.

    Relative paths in the file are relative to the file's folder.
    """
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    config_file: Path | None = None
    if path is not None:
        config_file = Path(path).expanduser().resolve()
        where = str(config_file)
        try:
            with open(config_file, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"{where}: no such file (ftm init DIR writes one)") from None
        except IsADirectoryError:
            raise ConfigError(f"{where}: is a folder, expected a TOML file") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{where}: not valid TOML: {e}") from None
        except OSError as e:
            raise ConfigError(f"{where}: cannot read: {e.strerror}") from None
    rows = {(r.section, r.key): r for r in table()}
    secret_keys = {s.name for s in SECRETS.values()}
    values: dict[tuple[str, str], Any] = {}
    sources: dict[str, str] = {}
    base = config_file.parent if config_file else Path.cwd()
    file_label = str(config_file) if config_file else "<no file>"
    for section, body in data.items():
        if section not in SECTIONS:
            raise ConfigError(f"{file_label}: [{section}]: unknown section; expected one of "
                              + ", ".join(SECTIONS))
        if not isinstance(body, dict):
            raise ConfigError(f"{file_label}: {section}: expected a [{section}] table")
        for key, raw in body.items():
            if f"{section}_{key}" in secret_keys or key in ("password", "oauth_token", "key"):
                env_name = f"FTM_{section.upper()}_{key.upper()}"
                raise ConfigError(f"{file_label}: [{section}] {key}: secrets are never read "
                                  f"from the config file; set {env_name} or a systemd "
                                  "credential instead")
            info = rows.get((section, key))
            if info is None:
                known = ", ".join(k for (s, k) in rows if s == section)
                raise ConfigError(f"{file_label}: [{section}] {key}: unknown setting; "
                                  f"[{section}] takes {known}")
            values[(section, key)] = _coerce(info, raw, file_label, from_env=False)
            sources[f"{section}.{key}"] = file_label
    for info in rows.values():
        if info.env in env:
            values[(info.section, info.key)] = _coerce(info, env[info.env],
                                                       f"environment {info.env}", from_env=True)
            sources[f"{info.section}.{info.key}"] = info.env
    for (section, key), value in list(values.items()):
        if rows[(section, key)].path and value:
            values[(section, key)] = str((base / Path(value).expanduser()).resolve())
    for info in rows.values():
        if info.path and (info.section, info.key) not in values and info.default:
            values[(info.section, info.key)] = str((base / info.default).resolve())
    sections = {}
    for section, cls in SECTIONS.items():
        kwargs = {k: v for (s, k), v in values.items() if s == section}
        sections[section] = cls(**kwargs)
    settings = Settings(**sections, sources=types.MappingProxyType(sources),
                        config_file=config_file, environ=types.MappingProxyType(env))
    _check_coherent(settings, file_label)
    return settings


def _check_coherent(s: Settings, where: str) -> None:
    """Checks that span several keys."""
    addr = s.network.address
    if addr.count("@") != 1 or not addr.split("@")[0] or "." not in addr.split("@")[1]:
        raise ConfigError(f"{where}: [network] address: expected an email address, got {addr!r}")
    if s.network.delimiter in addr.split("@")[0]:
        raise ConfigError(f"{where}: [network] address: must not contain the sub-address "
                          f"delimiter {s.network.delimiter!r}")
    try:
        ZoneInfo(s.network.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError(f"{where}: [network] timezone: {s.network.timezone!r} is not a time "
                          "zone (like Europe/London)") from None
    problem = token_url_problem(s.oauth.token_url)
    if problem:
        raise ConfigError(f"{where}: [oauth] token_url: {problem}")
    if s.network.base_url and not s.network.base_url.startswith("https://"):
        raise ConfigError(f"{where}: [network] base_url: expected an https:// URL, "
                          f"got {s.network.base_url!r}")
    try:
        s.http.address()
    except ValueError as e:
        raise ConfigError(f"{s.sources.get('http.listen', where)}: [http] listen: {e}, "
                          f"got {s.http.listen!r}") from None


def find_config(explicit: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The config file to use: --config, then FTM_CONFIG, then ./ftm.toml if present."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit
    if env.get("FTM_CONFIG"):
        return env["FTM_CONFIG"]
    if Path("ftm.toml").is_file():
        return "ftm.toml"
    return None
