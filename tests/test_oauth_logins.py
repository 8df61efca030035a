"""XOAUTH2 logins with refreshed tokens: IMAP against Dovecot, SMTP against aiosmtpd."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from ftm import logins
from ftm.daemon import watch_config
from ftm.logins import RelayTokens
from ftm.mailing import relay_config
from ftm.oauth import TokenSource, TokenSources
from ftm.settings import ConfigError, Settings, load
from inbox.imap import LoginFailed, WatchError
from inbox.watch import Watcher
from lists import outbox
from lists.outbox import OutgoingMail, enqueue
from lists.store import transaction
from mailer.config import FixedToken
from mailer.deliver import OutboxDeliverer
from tests.mailhelp import START, Clock, composer, relay
from tests.recording import RecordingProcessor, make_message
from tests.servers import ImapAccount, OAuthSink, SmtpServer, TokenEndpoint, running_smtp
from tests.test_oauth import Seconds, secrets_of, source_for


@pytest.fixture
def clock() -> Seconds:
    return Seconds()


# -- from the settings ------------------------------------------------------------------

def oauth_env(ep: TokenEndpoint, **extra: str) -> dict[str, str]:
    env = {"FTM_OAUTH_TOKEN_URL": ep.url, "FTM_OAUTH_CLIENT_ID": ep.client_id,
           "FTM_OAUTH_CLIENT_SECRET": ep.client_secret,
           "FTM_IMAP_OAUTH_REFRESH_TOKEN": ep.refresh_token,
           "FTM_SMTP_OAUTH_REFRESH_TOKEN": ep.refresh_token,
           "FTM_IMAP_AUTH": "xoauth2", "FTM_SMTP_AUTH": "xoauth2"}
    env.update(extra)
    return env


def test_imap_and_smtp_share_one_source(token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # the same client and refresh token: one source, one request for both logins; its
    # refusal message names both credentials
    s = load(None, environ=oauth_env(token_endpoint))
    sources = TokenSources(clock)
    imap = logins.oauth_tokens(s, "imap", sources)
    smtp = logins.oauth_tokens(s, "smtp", sources)
    assert imap is smtp and isinstance(imap, TokenSource)
    assert imap.token() == smtp.token() and len(token_endpoint.requests) == 1
    assert imap.where == ["the credential imap-oauth-refresh-token "
                          "(or FTM_IMAP_OAUTH_REFRESH_TOKEN)",
                          "the credential smtp-oauth-refresh-token "
                          "(or FTM_SMTP_OAUTH_REFRESH_TOKEN)"]
    other = load(None, environ=oauth_env(token_endpoint,
                                         FTM_SMTP_OAUTH_REFRESH_TOKEN="1//another"))
    assert logins.oauth_tokens(other, "smtp", sources) is not imap


def test_secrets_come_from_credentials_too(token_endpoint: TokenEndpoint, tmp_path: Path,
                                           clock: Seconds) -> None:
    # the client and the refresh token as systemd credential files work like variables
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "oauth-client-id").write_text(token_endpoint.client_id + "\n")
    (creds / "oauth-client-secret").write_text(token_endpoint.client_secret + "\n")
    (creds / "smtp-oauth-refresh-token").write_text(token_endpoint.refresh_token + "\n")
    s = load(None, environ={"CREDENTIALS_DIRECTORY": str(creds), "FTM_SMTP_AUTH": "xoauth2",
                            "FTM_OAUTH_TOKEN_URL": token_endpoint.url})
    assert logins.oauth_tokens(s, "smtp", TokenSources(clock)).token() == "ya29.test-1"


def test_a_refresh_token_without_the_client_is_a_config_error(
        token_endpoint: TokenEndpoint) -> None:
    # the missing client secret is named, in one line, before anything runs
    env = oauth_env(token_endpoint)
    del env["FTM_OAUTH_CLIENT_SECRET"]
    s = load(None, environ=env)
    with pytest.raises(ConfigError) as e:
        logins.oauth_tokens(s, "imap", TokenSources())
    assert "FTM_OAUTH_CLIENT_SECRET" in str(e.value) and "FTM_OAUTH_CLIENT_ID" not in str(e.value)
    assert "\n" not in str(e.value)


def test_a_hand_set_access_token_is_read_at_each_login(tmp_path: Path) -> None:
    # no refresh token: the access token credential is used as it is, re-read each time
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "imap-oauth-token").write_text("ya29.by-hand-1\n")
    s = load(None, environ={"CREDENTIALS_DIRECTORY": str(creds), "FTM_IMAP_AUTH": "xoauth2"})
    tokens = logins.oauth_tokens(s, "imap", TokenSources())
    assert tokens.token() == "ya29.by-hand-1"
    (creds / "imap-oauth-token").write_text("ya29.by-hand-2\n")
    tokens.invalidate("ya29.by-hand-2")
    assert tokens.token() == "ya29.by-hand-2"


# -- SMTP: AUTH XOAUTH2 with the token of the moment ----------------------------------------

def queue_one(db: sqlite_utils.Database, to: str = "ann@example.org") -> None:
    with transaction(db):
        enqueue(db, OutgoingMail("member/welcome", to, "Ann", kind="notice"), START)


def flush(db: sqlite_utils.Database, server: SmtpServer, tokens: object,
          when: Clock | None = None, **kw: Any) -> Any:
    cfg = relay(server, username="network@example.org", auth="xoauth2", oauth=tokens, **kw)
    return OutboxDeliverer(db, cfg, composer(), when or Clock()).flush()


@pytest.fixture
def gmail_smtp(token_endpoint: TokenEndpoint) -> Iterator[tuple[SmtpServer, set[str]]]:
    """An SMTP relay that takes the tokens the endpoint issued, less those revoked."""
    revoked: set[str] = set()
    sink = OAuthSink(lambda t: t in token_endpoint.issued and t not in revoked)
    with running_smtp(handler=sink, auth_required=True, auth_require_tls=False) as server:
        yield server, revoked


def test_smtp_replaces_a_stale_token_once_and_refreshes_before_expiry(
        db: sqlite_utils.Database, token_endpoint: TokenEndpoint, clock: Seconds,
        gmail_smtp: tuple[SmtpServer, set[str]], caplog: pytest.LogCaptureFixture) -> None:
    # first login fetches a token; the relay then refuses it as stale: it is invalidated
    # and the login tried once with a fresh one; near expiry a new one is fetched first
    caplog.set_level(logging.DEBUG)
    server, revoked = gmail_smtp
    sink = server.handler
    assert isinstance(sink, OAuthSink)
    tokens = RelayTokens(source_for(token_endpoint, clock))
    queue_one(db)
    assert flush(db, server, tokens).sent == 1
    assert sink.logins == [("ya29.test-1", True)]
    clock.now += 600
    revoked.add("ya29.test-1")
    queue_one(db, "bob@example.org")
    assert flush(db, server, tokens).sent == 1
    assert sink.logins[1:] == [("ya29.test-1", False), ("ya29.test-2", True)]
    assert "the access token for network@example.org was refused; trying a fresh one" \
        in caplog.text
    clock.now += 3600
    queue_one(db, "cy@example.org")
    assert flush(db, server, tokens).sent == 1
    assert sink.logins[3:] == [("ya29.test-3", True)]
    assert len(token_endpoint.requests) == 3
    server.sent_messages(expected=3)
    assert not any(s in caplog.text for s in secrets_of(token_endpoint))


@pytest.mark.parametrize("kind", ["fresh token", "fixed token"])
def test_smtp_does_not_retry_a_token_it_cannot_replace(
        db: sqlite_utils.Database, token_endpoint: TokenEndpoint, clock: Seconds,
        kind: str) -> None:
    # a token refused right after it was issued (a wrong username), or a fixed one:
    # one login, one clear reason, the mail waits; the endpoint is not hammered
    sink = OAuthSink(lambda t: False)
    tokens = RelayTokens(source_for(token_endpoint, clock)) if kind == "fresh token" \
        else FixedToken("ya29.by-hand")
    with running_smtp(handler=sink, auth_required=True, auth_require_tls=False) as server:
        queue_one(db)
        report = flush(db, server, tokens, concurrency=3)
    assert report.sent == 0 and "refused the login for network@example.org" in report.stopped
    assert len(sink.logins) == 1
    assert len(token_endpoint.requests) == (1 if kind == "fresh token" else 0)
    (row,) = outbox.waiting(db)
    assert row.state == "queued"


def test_smtp_invalid_grant_stops_the_run_with_the_clear_line(
        db: sqlite_utils.Database, token_endpoint: TokenEndpoint, clock: Seconds,
        gmail_smtp: tuple[SmtpServer, set[str]], caplog: pytest.LogCaptureFixture) -> None:
    # a revoked refresh token: no login is tried, the run stops with what to do, the mail
    # waits, and three connections cost the endpoint one request
    caplog.set_level(logging.DEBUG)
    server, _ = gmail_smtp
    tokens = RelayTokens(source_for(token_endpoint, clock, refresh_token="1//revoked"))
    for i in range(3):
        queue_one(db, f"m{i}@example.org")
    report = flush(db, server, tokens, concurrency=3)
    assert report.sent == 0
    assert "refused the refresh token (invalid_grant" in report.stopped
    assert "ftm oauth consent" in report.stopped
    assert server.handler.logins == []  # type: ignore[attr-defined]
    assert len(token_endpoint.requests) == 1
    assert all(r.state == "queued" for r in outbox.waiting(db))
    assert "1//revoked" not in caplog.text and token_endpoint.client_secret not in caplog.text
    assert "Traceback" not in caplog.text


def test_smtp_token_endpoint_outage_is_temporary(
        db: sqlite_utils.Database, token_endpoint: TokenEndpoint, clock: Seconds,
        gmail_smtp: tuple[SmtpServer, set[str]]) -> None:
    # the endpoint down: the mail waits with a "later" reason; once it is back, it goes
    server, _ = gmail_smtp
    tokens = RelayTokens(source_for(token_endpoint, clock))
    token_endpoint.answer = (503, {"error": "backendError"}, {})
    queue_one(db)
    when = Clock()
    report = flush(db, server, tokens, when)
    assert report.sent == 0 and "tries again later" in report.stopped
    (row,) = outbox.waiting(db)
    assert row.state == "queued"
    token_endpoint.answer = None
    when.advance(hours=1)                          # past the row's retry time
    assert flush(db, server, tokens, when).sent == 1


# -- IMAP: the watcher's login ------------------------------------------------------------

@pytest.fixture
def processor(db: sqlite_utils.Database, db_path: Path) -> Iterator[RecordingProcessor]:
    p = RecordingProcessor(db_path)
    yield p
    p.close()


def imap_settings(ep: TokenEndpoint, acct: ImapAccount, **extra: str) -> Settings:
    return load(None, environ=oauth_env(
        ep, FTM_IMAP_HOST=acct.host, FTM_IMAP_PORT=str(acct.port), FTM_IMAP_USERNAME=acct.user,
        FTM_IMAP_SECURITY="none", **extra))


def test_imap_replaces_a_stale_token_once(
        imap_server: ImapAccount, db: sqlite_utils.Database, processor: RecordingProcessor,
        token_endpoint: TokenEndpoint, clock: Seconds,
        caplog: pytest.LogCaptureFixture) -> None:
    # the cached token has gone stale: Dovecot refuses it, the watcher invalidates it and
    # logs in on the same connection with a fresh one (Dovecot takes the password as token)
    caplog.set_level(logging.DEBUG)
    token_endpoint.queue = ["ya29.stale", imap_server.password]
    cfg = watch_config(imap_settings(token_endpoint, imap_server), TokenSources(clock))
    assert cfg.credential() == "ya29.stale"      # an earlier login's token, now cached
    clock.now += 600
    imap_server.append(make_message(1))
    w = Watcher(cfg, db, processor)
    assert w.poll_once() == 1
    w.close()
    assert len(token_endpoint.requests) == 2
    assert "the access token was refused; trying a fresh one" in caplog.text
    assert not any(s in caplog.text for s in secrets_of(token_endpoint))


def test_imap_new_token_refused_is_not_fetched_again(
        imap_server: ImapAccount, db: sqlite_utils.Database, processor: RecordingProcessor,
        token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # a token refused as soon as it was issued: LoginFailed, and no second request
    token_endpoint.queue = ["ya29.wrong-account"]
    cfg = watch_config(imap_settings(token_endpoint, imap_server), TokenSources(clock))
    with pytest.raises(LoginFailed, match="login refused"):
        Watcher(cfg, db, processor).poll_once()
    assert len(token_endpoint.requests) == 1


def test_imap_invalid_grant_and_outage(
        imap_server: ImapAccount, db: sqlite_utils.Database, processor: RecordingProcessor,
        token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # invalid_grant is a refused login with the clear line; an outage is a WatchError the
    # loop retries with backoff; either way the half-open connection is dropped
    bad = imap_settings(token_endpoint, imap_server,
                        FTM_IMAP_OAUTH_REFRESH_TOKEN="1//revoked")
    w = Watcher(watch_config(bad, TokenSources(clock)), db, processor)
    with pytest.raises(LoginFailed) as e:
        w.poll_once()
    assert "invalid_grant" in str(e.value) and "imap-oauth-refresh-token" in str(e.value)
    assert "1//revoked" not in str(e.value)
    assert w._client is None
    token_endpoint.answer = (500, b"", {})
    down = Watcher(watch_config(imap_settings(token_endpoint, imap_server),
                                TokenSources(clock)), db, processor)
    with pytest.raises(WatchError) as e2:
        down.poll_once()
    assert type(e2.value) is WatchError and "tries again later" in str(e2.value)
    assert down._client is None
    token_endpoint.answer = None
    token_endpoint.queue = [imap_server.password]
    imap_server.append(make_message(2))
    assert down.poll_once() == 1
    down.close()


def test_imap_and_smtp_of_one_account_use_one_token(
        imap_server: ImapAccount, db: sqlite_utils.Database, processor: RecordingProcessor,
        token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # the daemon's wiring: the watcher and the relay share the source, so one refresh
    # serves both logins
    token_endpoint.queue = [imap_server.password]
    sink = OAuthSink(lambda t: t == imap_server.password)
    with running_smtp(handler=sink, auth_required=True, auth_require_tls=False) as server:
        s = imap_settings(token_endpoint, imap_server, FTM_SMTP_HOST=server.host,
                          FTM_SMTP_PORT=str(server.port), FTM_SMTP_SECURITY="none",
                          FTM_SMTP_USERNAME=imap_server.user)
        sources = TokenSources(clock)
        imap_server.append(make_message(1))
        w = Watcher(watch_config(s, sources), db, processor)
        assert w.poll_once() == 1
        w.close()
        queue_one(db)
        report = OutboxDeliverer(db, relay_config(s, sources), composer(), Clock()).flush()
        assert report.sent >= 1, report
    assert sink.logins[0] == (imap_server.password, True)
    assert len(token_endpoint.requests) == 1


# -- ftm oauth check ---------------------------------------------------------------------

def ftm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    return subprocess.run([sys.executable, "-m", "ftm", *args], env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_oauth_check_says_whether_each_login_gets_a_token(
        token_endpoint: TokenEndpoint) -> None:
    # both logins get a token (one request, shared); a revoked one is the clear line and
    # exit 1; with no xoauth2 login there is nothing to check
    r = ftm(oauth_env(token_endpoint), "oauth", "check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "imap: OK, 127.0.0.1 gave an access token for the refresh token",
        "smtp: OK, 127.0.0.1 gave an access token for the refresh token"]
    assert len(token_endpoint.requests) == 1
    r = ftm(oauth_env(token_endpoint, FTM_SMTP_OAUTH_REFRESH_TOKEN="1//revoked"),
            "oauth", "check")
    assert r.returncode == 1
    imap, smtp = r.stdout.splitlines()
    assert imap.startswith("imap: OK")
    assert smtp.startswith("smtp: 127.0.0.1 refused the refresh token (invalid_grant")
    assert "smtp-oauth-refresh-token" in smtp and "1//revoked" not in r.stdout + r.stderr
    r = ftm({}, "oauth", "check")
    assert r.returncode == 0 and "nothing to check" in r.stdout


def test_oauth_check_names_what_is_missing(token_endpoint: TokenEndpoint) -> None:
    # xoauth2 without any token: the config error names the variables, in one line
    r = ftm({"FTM_IMAP_AUTH": "xoauth2"}, "oauth", "check")
    assert r.returncode == 2
    assert "FTM_IMAP_OAUTH_REFRESH_TOKEN" in r.stderr and "Traceback" not in r.stderr


def test_ftm_run_once_with_gmail_oauth_on_both_sides(
        imap_server: ImapAccount, token_endpoint: TokenEndpoint, tmp_path: Path) -> None:
    # the real daemon: a signup read over IMAP and its confirmation sent over SMTP, both
    # logged in with XOAUTH2 from one refresh token: one request to the endpoint, and
    # no secret in the daemon's log
    from tests.test_daemon import env_for, run_ftm, write_config

    token_endpoint.queue = [imap_server.password]   # Dovecot takes the password as token
    sink = OAuthSink(lambda t: t == imap_server.password)
    config = write_config(tmp_path, imap_server, auth="xoauth2")
    imap_server.append(b"From: Ann <ann@example.org>\r\nTo: network@forthemany.test\r\n"
                       b"Subject: join\r\nMessage-ID: <o1@example.org>\r\n\r\n"
                       b"Please sign me up, my postcode is L8 1AB.\r\n\r\nAnn\r\n")
    with running_smtp(handler=sink, auth_required=True, auth_require_tls=False) as server:
        env = env_for(None, **oauth_env(token_endpoint), FTM_SMTP_PORT=str(server.port),
                      FTM_SMTP_USERNAME="network@forthemany.test")
        r = run_ftm("--config", str(config), "run", "--once", env=env)
        assert r.returncode == 0, r.stderr[-2000:]
        (sent,) = server.sent_messages(expected=1)
    assert "<o1@example.org> intent=join" in r.stderr
    assert sent.rcpt_tos == ["ann@example.org"]
    assert sink.logins == [(imap_server.password, True)]
    assert len(token_endpoint.requests) == 1
    assert not any(s in r.stderr for s in secrets_of(token_endpoint))
