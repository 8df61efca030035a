"""The ftm command: every command has help; init, migrate and errors as a volunteer sees them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ftm.cli import cli

FTM = [sys.executable, "-m", "ftm"]


def walk(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                       click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            out += walk(sub, (*path, name))
    return out


@pytest.mark.parametrize("path, command", walk(cli), ids=lambda v: " ".join(v)
                         if isinstance(v, tuple) else "")
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    # a command without a help text fails here
    assert command.help and len(command.help.strip()) > 20, f"ftm {' '.join(path)} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_top_level_groups_exist() -> None:
    # the groups later issues fill are there
    for name in ("db", "config", "members", "init"):
        assert name in cli.commands  # type: ignore[attr-defined]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    e.update(env or {})
    return subprocess.run([*FTM, *args], capture_output=True, text=True, env=e, timeout=60)


def test_version() -> None:
    # --version prints the installed version
    r = run("--version")
    assert r.returncode == 0 and "ftm, version" in r.stdout


def test_init_then_migrate_twice(tmp_path: Path) -> None:
    # ftm init writes a deployment; migrate creates a 0600 database; again: nothing to do
    d = tmp_path / "deploy"
    r = run("init", str(d))
    assert r.returncode == 0, r.stderr
    for name in ("ftm.toml", "hubs.toml", "principles.md"):
        assert (d / name).is_file()
    assert "Bread and Roses" in (d / "principles.md").read_text()
    r = run("--config", str(d / "ftm.toml"), "db", "migrate")
    assert r.returncode == 0, r.stderr
    assert "applied" in r.stdout
    assert stat.S_IMODE((d / "ftm.db").stat().st_mode) == 0o600
    r = run("--config", str(d / "ftm.toml"), "db", "migrate")
    assert r.returncode == 0 and "nothing to do" in r.stdout
    r = run("--config", str(d / "ftm.toml"), "db", "status")
    assert r.returncode == 0 and "up to date" in r.stdout


@pytest.mark.parametrize("text, key", [("[smtp]\nratte = 3\n", "ratte"),
                                       ("[smtp]\nrate = \"fast\"\n", "rate")])
def test_bad_config_is_one_line_and_nonzero(tmp_path: Path, text: str, key: str) -> None:
    # no traceback: one line naming the file and the key
    p = tmp_path / "ftm.toml"
    p.write_text(text)
    r = run("--config", str(p), "db", "migrate")
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert key in lines[0] and str(p) in lines[0]
    assert "Traceback" not in r.stderr


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    # config show names each source and never prints a secret
    r = run("config", "show", env={"FTM_SMTP_PASSWORD": "s3cret-value", "FTM_SMTP_RATE": "3"})
    assert r.returncode == 0, r.stderr
    assert "s3cret-value" not in r.stdout
    assert "smtp_password: ******** from FTM_SMTP_PASSWORD" in r.stdout
    assert "rate = 3.0  # FTM_SMTP_RATE" in r.stdout


def test_config_show_masks_the_oauth_secrets(tmp_path: Path) -> None:
    # the OAuth client and refresh tokens are listed as set, never shown
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "oauth-client-secret").write_text("GOCSPX-very-secret\n")
    r = run("config", "show", env={"FTM_IMAP_OAUTH_REFRESH_TOKEN": "1//refresh-value",
                                   "FTM_OAUTH_CLIENT_ID": "1234.apps.googleusercontent.com",
                                   "CREDENTIALS_DIRECTORY": str(creds)})
    assert r.returncode == 0, r.stderr
    for value in ("1//refresh-value", "GOCSPX-very-secret", "1234.apps"):
        assert value not in r.stdout
    assert "imap_oauth_refresh_token: ******** from FTM_IMAP_OAUTH_REFRESH_TOKEN" in r.stdout
    assert "oauth_client_id: ******** from FTM_OAUTH_CLIENT_ID" in r.stdout
    assert "oauth_client_secret: ******** from credential oauth-client-secret" in r.stdout
    assert "smtp_oauth_refresh_token: not set" in r.stdout
    assert 'token_url = "https://oauth2.googleapis.com/token"  # default' in r.stdout


def test_config_help_lists_every_setting() -> None:
    # the settings table drives `ftm config --help`
    from ftm import settings

    out = CliRunner().invoke(cli, ["config", "--help"]).output
    for info in settings.table():
        assert f"[{info.section}] {info.key} =" in out
    for secret in settings.SECRETS.values():
        assert f"{secret.env} or credential {secret.credential}:" in out
