"""Fixtures named for what they give: a real migrated store, a private Dovecot, an SMTP sink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from ftm.app import App
from lists import migrations
from lists.store import open_db
from tests.servers import Dovecot, ImapAccount, SmtpServer, TokenEndpoint


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ftm.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A real SQLite file in the test's folder, migrated."""
    database = open_db(db_path)
    migrations.apply(database)
    yield database
    database.close()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One private Dovecot for the whole session (tests use their own mailbox users)."""
    users = {"ftm": "ftm-password", **{f"t{i}": f"t{i}-pw" for i in range(1, POOL + 1)}}
    server = Dovecot(users=users).start()
    yield server
    server.cleanup()


# Dovecot re-reads its passwd-file only when the file's mtime moves (one-second steps),
# so the mailbox users are made up front.
POOL = 500
_user_counter = iter(range(1, POOL + 1))


@pytest.fixture
def imap_server(dovecot: Dovecot) -> ImapAccount:
    """A fresh, empty mailbox user on the session's private Dovecot."""
    user = f"t{next(_user_counter)}"
    return ImapAccount(dovecot, user, f"{user}-pw")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd on a free loopback port, recording every message; can fail on demand."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    """A fake OAuth2 token endpoint (Google's /token) on loopback, counting its requests."""
    endpoint = TokenEndpoint().start()
    yield endpoint
    endpoint.stop()


def write_deployment(folder: Path, **sections: dict[str, object]) -> Path:
    """A deployment folder as `ftm init` writes it, with *sections* overriding settings."""
    from importlib import resources

    from ftm.starter import toml_value

    folder.mkdir(parents=True, exist_ok=True)
    data = resources.files("lists") / "data"
    (folder / "principles.md").write_text((data / "principles.md").read_text())
    (folder / "hubs.toml").write_text((data / "hubs.example.toml").read_text())
    merged: dict[str, dict[str, object]] = {
        "store": {"path": "ftm.db"},
        "smtp": {"host": "127.0.0.1", "port": 9, "security": "none", "rate": 500.0,
                 "concurrency": 2, "daily_quota": 100000, "timeout": 5.0},
    }
    for section, values in sections.items():
        merged.setdefault(section, {}).update(values)
    text = "".join(f"[{section}]\n" + "".join(f"{k} = {toml_value(v)}\n"
                                              for k, v in values.items()) + "\n"
                   for section, values in merged.items())
    (folder / "ftm.toml").write_text(text)
    return folder / "ftm.toml"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """An App on a fresh deployment in the test's folder (relay: nowhere, unless changed)."""
    application = App(str(write_deployment(tmp_path / "deploy")))
    yield application
    application.close()
