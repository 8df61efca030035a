"""ftm's settings: one declarative table, loaded from TOML and FTM_* variables.

The table is the set of frozen section dataclasses in ``ftm.sections``; each field
carries its help text, and that one table drives validation, defaults, ``ftm config
--help``, the starter config that ``ftm init`` writes and ``ftm config show``.

Precedence, lowest first: built-in default, the TOML file, ``FTM_<SECTION>_<KEY>``.
Secrets are never read from the TOML file (nor stored in the database): they come
from environment variables or systemd credentials (``$CREDENTIALS_DIRECTORY``).

Exceptions::

    ConfigError       one line naming the file, the key and what was expected
"""

from __future__ import annotations

import os
import tomllib
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ftm.credentials import SECRETS, read_secret
from ftm.oauth import token_url_problem
from ftm.sections import (
    SECTIONS,
    AuthSettings,
    DkimSettings,
    HttpSettings,
    ImapSettings,
    LimitsSettings,
    ListsSettings,
    LogSettings,
    NetworkSettings,
    OAuthSettings,
    PathsSettings,
    ReceiverSettings,
    SettingInfo,
    SmtpSettings,
    StoreSettings,
    table,
)


class ConfigError(Exception):
    """A setting is missing, unknown or of the wrong type; the message is one line."""


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
    if info.maximum is not None and value > info.maximum:
        raise ConfigError(f"{where}: {name}: expected at most {info.maximum:g}, got {value!r}")
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
