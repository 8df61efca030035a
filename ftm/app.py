"""The wiring every command shares: settings loaded once, the store opened and migrated."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from ftm import settings as settings_mod
from ftm.oauth import TokenSources
from ftm.settings import ConfigError, Settings
from lists import migrations
from lists.store import StoreError, open_db

log = logging.getLogger(__name__)


@dataclass
class App:
    """What a command needs, made on first use: ``app.settings``, ``app.db()``."""

    config_path: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _db: sqlite_utils.Database | None = field(default=None, repr=False)
    # XOAUTH2 access tokens, one source per refresh token, shared by IMAP and SMTP
    oauth_tokens: TokenSources = field(default_factory=TokenSources, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = settings_mod.load(settings_mod.find_config(self.config_path))
        return self._settings

    def db(self, migrate: bool = True) -> sqlite_utils.Database:
        """The store, with pending migrations applied unless *migrate* is False."""
        if self._db is None:
            s = self.settings
            self._db = open_db(s.store.path, s.store.busy_timeout_ms)
            if migrate:
                applied = migrations.apply(self._db)
                if applied:
                    log.info("applied migrations: %s", ", ".join(applied))
        return self._db

    def secret_key(self) -> bytes:
        """The HMAC key for Message-IDs and codes: a secret, else a key file by the store."""
        return secret_key(self.settings)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def secret_key(s: Settings) -> bytes:
    """FTM_SECRET_KEY / credential secret-key, else ``<store>.key`` (made 0600 on first use)."""
    value = s.secret("secret_key")
    if value:
        return value.encode()
    path = Path(s.store.path + ".key")
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key


def setup_logging(level: str = "INFO") -> None:
    """One line per event on stderr; journald adds its own timestamps."""
    under_journal = bool(os.environ.get("JOURNAL_STREAM"))
    fmt = "%(levelname)s %(name)s: %(message)s" if under_journal else \
        "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format=fmt,
                        stream=sys.stderr, force=True)


__all__ = ["App", "ConfigError", "StoreError", "secret_key", "setup_logging"]
