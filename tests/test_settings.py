"""Settings: the table, the file, FTM_* variables, secrets and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftm import settings
from ftm.settings import ConfigError
from ftm.starter import starter_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "ftm.toml"
    p.write_text(text)
    return p


def test_defaults_without_a_file() -> None:
    # no file and no variables: every default from the table
    s = settings.load(None, environ={})
    assert s.network.name == "For the Many"
    assert s.smtp.daily_quota == 500
    assert all(src == "default" for _, _, src in s.values())


def test_file_values_and_relative_paths(tmp_path: Path) -> None:
    # values from the file win over defaults; paths are relative to the file
    p = write(tmp_path, '[smtp]\nrate = 5\n[store]\npath = "data/ftm.db"\n')
    s = settings.load(p, environ={})
    assert s.smtp.rate == 5.0 and isinstance(s.smtp.rate, float)
    assert s.store.path == str(tmp_path / "data" / "ftm.db")
    assert s.sources["smtp.rate"] == str(p)
    assert s.paths.hubs_file == str(tmp_path / "hubs.toml")


def test_environment_wins_over_file(tmp_path: Path) -> None:
    # FTM_<SECTION>_<KEY> overrides the file, typed like the file's values
    p = write(tmp_path, "[smtp]\nconcurrency = 2\n[imap]\nidle = true\n")
    s = settings.load(p, environ={"FTM_SMTP_CONCURRENCY": "8", "FTM_IMAP_IDLE": "no"})
    assert s.smtp.concurrency == 8
    assert s.imap.idle is False
    assert s.sources["smtp.concurrency"] == "FTM_SMTP_CONCURRENCY"


@pytest.mark.parametrize("text, key", [
    ("[smtp]\nratte = 3\n", "ratte"),
    ("[smtp]\nrate = \"fast\"\n", "rate"),
    ("[smtp]\nconcurrency = 1.5\n", "concurrency"),
    ("[imap]\nidle = \"yes\"\n", "idle"),
    ("[imap]\nsecurity = \"ssl\"\n", "security"),
    ("[smtp]\ndaily_quota = 0\n", "daily_quota"),
    ("[nonsense]\nx = 1\n", "nonsense"),
    ("[network]\naddress = \"not-an-address\"\n", "address"),
    ("[http]\nlisten = \"8080\"\n", "listen"),
    ("[http]\nlisten = \"127.0.0.1:99999\"\n", "listen"),
    ("[http]\nlisten = \"127.0.0.1:http\"\n", "listen"),
    ("[lists]\ndigest_hour = 24\n", "digest_hour"),
    ("[lists]\ndigest_weekday = \"funday\"\n", "digest_weekday"),
    ("[limits]\nhard_bounces_to_disable = 0\n", "hard_bounces_to_disable"),
])
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    # unknown keys and wrong types fail with one line naming file and key
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        settings.load(p, environ={})
    msg = str(e.value)
    assert "\n" not in msg
    assert str(p) in msg and key in msg


def test_http_listen_from_file_or_environment(tmp_path: Path) -> None:
    # [http] listen: empty is off; HOST:PORT (IPv6 in brackets); a bad variable is named
    assert settings.load(None, environ={}).http.address() is None
    p = write(tmp_path, '[http]\nlisten = "127.0.0.1:8080"\n')
    assert settings.load(p, environ={}).http.address() == ("127.0.0.1", 8080)
    s = settings.load(p, environ={"FTM_HTTP_LISTEN": "[::1]:8081"})
    assert s.http.address() == ("::1", 8081)
    assert s.sources["http.listen"] == "FTM_HTTP_LISTEN"
    with pytest.raises(ConfigError, match="FTM_HTTP_LISTEN: \\[http\\] listen"):
        settings.load(p, environ={"FTM_HTTP_LISTEN": "localhost"})


def test_bad_environment_value_names_the_variable() -> None:
    # a wrong type in a variable names the variable
    with pytest.raises(ConfigError, match="FTM_SMTP_RATE"):
        settings.load(None, environ={"FTM_SMTP_RATE": "quick"})


def test_broken_toml_is_one_line(tmp_path: Path) -> None:
    # a syntax error is reported with the file, not as a traceback
    p = write(tmp_path, "[smtp\nrate = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        settings.load(p, environ={})


@pytest.mark.parametrize("section, key", [("imap", "password"), ("smtp", "password"),
                                          ("dkim", "key"), ("smtp", "oauth_token"),
                                          ("imap", "oauth_refresh_token"),
                                          ("oauth", "client_secret"), ("oauth", "client_id")])
def test_secrets_are_refused_in_the_file(tmp_path: Path, section: str, key: str) -> None:
    # a password in the TOML is an error that says where secrets go
    p = write(tmp_path, f'[{section}]\n{key} = "hunter2"\n')
    with pytest.raises(ConfigError, match="FTM_") as e:
        settings.load(p, environ={})
    assert "hunter2" not in str(e.value)


def test_secrets_from_environment_and_credentials(tmp_path: Path) -> None:
    # a variable wins; else systemd's $CREDENTIALS_DIRECTORY; else None
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "smtp-password").write_text("from-credential\n")
    s = settings.load(None, environ={"CREDENTIALS_DIRECTORY": str(creds),
                                     "FTM_IMAP_PASSWORD": "from-env"})
    assert s.secret("imap_password") == "from-env"
    assert s.secret("smtp_password") == "from-credential"
    assert s.secret("dkim_key") is None
    assert s.secret_source("smtp_password") == "credential smtp-password"


def test_every_setting_has_help_and_a_variable() -> None:
    # the one table drives help: no row without text
    for info in settings.table():
        assert info.help.strip(), info
        assert info.env == f"FTM_{info.section.upper()}_{info.key.upper()}"


def test_starter_config_loads_and_matches_defaults(tmp_path: Path) -> None:
    # the commented starter file is valid TOML and documents every key
    text = starter_config()
    p = write(tmp_path, text)
    s = settings.load(p, environ={})
    assert s.smtp.rate == settings.SmtpSettings().rate
    for info in settings.table():
        assert f"# {info.key} = " in text
