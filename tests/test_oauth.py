"""OAuth2 access tokens from a refresh token, against a fake token endpoint on loopback."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import stat
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from ftm import consent, oauth
from ftm.oauth import OAuthClient, OAuthRefused, OAuthUnavailable, TokenSource
from ftm.settings import ConfigError, load
from tests.servers import TokenEndpoint


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Seconds:
    return Seconds()


def client_for(ep: TokenEndpoint, **kw: object) -> OAuthClient:
    return OAuthClient(ep.client_id, ep.client_secret, ep.url, **kw)  # type: ignore[arg-type]


def source_for(ep: TokenEndpoint, clock: Seconds, refresh_token: str | None = None,
               **kw: object) -> TokenSource:
    return TokenSource(client_for(ep, **kw), refresh_token or ep.refresh_token,
                       "the credential imap-oauth-refresh-token", clock)


def secrets_of(ep: TokenEndpoint) -> list[str]:
    return [ep.refresh_token, ep.client_secret, *ep.issued]


def test_one_request_until_shortly_before_expiry(token_endpoint: TokenEndpoint,
                                                 clock: Seconds) -> None:
    # the token is reused for every login until five minutes before it expires
    src = source_for(token_endpoint, clock)
    first = src.token()
    assert first == "ya29.test-1" and src.token() == first
    (form,) = token_endpoint.requests
    assert form == {"grant_type": "refresh_token", "refresh_token": token_endpoint.refresh_token,
                    "client_id": token_endpoint.client_id,
                    "client_secret": token_endpoint.client_secret,
                    "content-type": "application/x-www-form-urlencoded"}
    clock.now += 3599 - oauth.EARLY - 1
    assert src.token() == first and len(token_endpoint.requests) == 1
    clock.now += 2
    assert src.token() == "ya29.test-2" and len(token_endpoint.requests) == 2
    assert src.refreshes == 2


def test_short_lived_tokens_are_replaced_at_half_their_life(token_endpoint: TokenEndpoint,
                                                            clock: Seconds) -> None:
    # a 60-second token (shorter than the margin) is kept for 30 seconds
    token_endpoint.expires_in = 60
    src = source_for(token_endpoint, clock)
    src.token()
    clock.now += 29
    assert src.token() == "ya29.test-1"
    clock.now += 2
    assert src.token() == "ya29.test-2"


def test_concurrent_logins_make_one_request(token_endpoint: TokenEndpoint,
                                            clock: Seconds) -> None:
    # IMAP and two SMTP connections asking at once: one refresh, one token for all
    src = source_for(token_endpoint, clock)
    token_endpoint.gate.clear()
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(src.token())) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):
        if token_endpoint.waiting:
            break
        threading.Event().wait(0.01)
    token_endpoint.gate.set()
    for t in threads:
        t.join(10)
    assert got == ["ya29.test-1"] * 4
    assert len(token_endpoint.requests) == 1


def test_a_refused_token_is_replaced_unless_it_is_new(token_endpoint: TokenEndpoint,
                                                      clock: Seconds) -> None:
    # invalidate drops an older token; a just-issued one is kept (the refusal is about
    # something else), and so is a token that is no longer the current one
    src = source_for(token_endpoint, clock)
    first = src.token()
    src.invalidate(first)
    assert src.token() == first and len(token_endpoint.requests) == 1
    clock.now += oauth.YOUNG + 1
    src.invalidate("ya29.some-other-token")
    assert src.token() == first
    src.invalidate(first)
    assert src.token() == "ya29.test-2" and len(token_endpoint.requests) == 2


def test_invalid_grant_is_one_clear_line_and_not_asked_again(
        token_endpoint: TokenEndpoint, clock: Seconds,
        caplog: pytest.LogCaptureFixture) -> None:
    # a revoked refresh token: one line saying what to do, logged once as an error;
    # the next login does not ask the endpoint again
    caplog.set_level(logging.DEBUG)
    src = source_for(token_endpoint, clock, refresh_token="1//revoked-refresh-token")
    with pytest.raises(OAuthRefused) as e:
        src.token()
    msg = str(e.value)
    assert "\n" not in msg
    assert "refused the refresh token (invalid_grant: Token has been expired or revoked.)" in msg
    assert "ftm oauth consent" in msg and "imap-oauth-refresh-token" in msg
    assert "restart ftm" in msg
    with pytest.raises(OAuthRefused, match="invalid_grant"):
        src.token()
    assert len(token_endpoint.requests) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [msg]
    assert "1//revoked-refresh-token" not in caplog.text + msg
    assert token_endpoint.client_secret not in caplog.text + msg


def test_a_wrong_client_names_the_client_variables(token_endpoint: TokenEndpoint,
                                                   clock: Seconds) -> None:
    # invalid_client says which settings to check, not which refresh token
    client = OAuthClient(token_endpoint.client_id, "GOCSPX-wrong-secret", token_endpoint.url,
                         hint="FTM_OAUTH_CLIENT_ID and FTM_OAUTH_CLIENT_SECRET")
    with pytest.raises(OAuthRefused) as e:
        TokenSource(client, token_endpoint.refresh_token, clock=clock).token()
    assert "refused the OAuth client (invalid_client" in str(e.value)
    assert "FTM_OAUTH_CLIENT_SECRET" in str(e.value)
    assert "GOCSPX-wrong-secret" not in str(e.value)


def test_an_error_that_repeats_a_secret_is_scrubbed(token_endpoint: TokenEndpoint,
                                                    clock: Seconds) -> None:
    # an endpoint that echoes the request in its reason does not get it into the message
    token_endpoint.answer = (400, {"error": "invalid_request", "error_description":
                                   f"bad token {token_endpoint.refresh_token}\nline two"}, {})
    with pytest.raises(OAuthRefused) as e:
        source_for(token_endpoint, clock).token()
    msg = str(e.value)
    assert token_endpoint.refresh_token not in msg and "\n" not in msg
    assert "invalid_request: bad token ******** line two" in msg


@pytest.mark.parametrize("answer, says", [
    ((503, {"error": "backendError"}, {}), "answered HTTP 503"),
    ((429, b"slow down", {}), "answered HTTP 429"),
    ((200, b"<html>captive portal</html>", {}), "answered no JSON"),
    ((200, {"expires_in": 3599}, {}), "without a bearer access token"),
    ((200, {"access_token": "ya29.x\r\nQUIT", "expires_in": 3599}, {}),
     "without a bearer access token"),
    ((200, {"access_token": "abc", "token_type": "mac"}, {}), "without a bearer access token"),
    ((302, b"", {"Location": "http://127.0.0.1:9/elsewhere"}), "answered HTTP 302"),
])
def test_odd_answers_are_temporary(token_endpoint: TokenEndpoint, clock: Seconds,
                                   answer: tuple[int, object, dict[str, str]], says: str) -> None:
    # a 5xx, a rate limit, no JSON, no usable token, a redirect: try again later; once the
    # endpoint answers properly again, the next login gets a token
    token_endpoint.answer = answer  # type: ignore[assignment]
    src = source_for(token_endpoint, clock)
    with pytest.raises(OAuthUnavailable) as e:
        src.token()
    assert says in str(e.value) and "tries again later" in str(e.value)
    assert len(token_endpoint.requests) == 1       # no redirect was followed
    token_endpoint.answer = None
    assert src.token() == "ya29.test-1"


def test_an_unreachable_endpoint_is_temporary(clock: Seconds) -> None:
    # nothing listening: one line, temporary, and it works once the endpoint is back
    ep = TokenEndpoint()
    url = ep.url
    ep.server.server_close()                       # the port is known but nobody listens
    src = TokenSource(OAuthClient(ep.client_id, ep.client_secret, url), ep.refresh_token,
                      clock=clock)
    with pytest.raises(OAuthUnavailable) as e:
        src.token()
    assert f"cannot reach the OAuth token endpoint {url}" in str(e.value)
    assert "\n" not in str(e.value)


def test_a_silent_endpoint_times_out(token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # an endpoint that never answers costs one bounded timeout, not a hung login
    token_endpoint.gate.clear()
    src = source_for(token_endpoint, clock, timeout=0.3)
    with pytest.raises(OAuthUnavailable, match="timed out"):
        src.token()
    token_endpoint.gate.set()


@pytest.mark.parametrize("url, ok", [
    ("https://oauth2.googleapis.com/token", True),
    ("http://127.0.0.1:8080/token", True),
    ("http://[::1]:8080/token", True),
    ("http://oauth2.googleapis.com/token", False),
    ("ftp://127.0.0.1/token", False),
    ("file:///etc/passwd", False),
    ("https:///token", False),
    ("oauth2.googleapis.com/token", False),
])
def test_the_token_url_is_https_or_loopback(url: str, ok: bool) -> None:
    # secrets travel only over TLS, or to this machine (tests)
    assert (oauth.token_url_problem(url) is None) == ok
    if ok:
        OAuthClient("id", "secret", url)
    else:
        with pytest.raises(ValueError, match="https://"):
            OAuthClient("id", "secret", url)


def test_settings_refuse_a_plain_http_token_url() -> None:
    # [oauth] token_url is checked at load, with the key named
    with pytest.raises(ConfigError, match=r"\[oauth\] token_url: expected an https://"):
        load(None, environ={"FTM_OAUTH_TOKEN_URL": "http://example.org/token"})
    s = load(None, environ={})
    assert s.oauth.token_url == "https://oauth2.googleapis.com/token"


def test_reprs_hold_no_secret(token_endpoint: TokenEndpoint, clock: Seconds) -> None:
    # a client or source printed in a log or a traceback shows no secret
    src = source_for(token_endpoint, clock)
    src.token()
    text = repr(src) + repr(src.client)
    assert not any(s in text for s in secrets_of(token_endpoint))


# -- the one-time consent ----------------------------------------------------------------

def consent_env(ep: TokenEndpoint) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    env.update({"FTM_OAUTH_TOKEN_URL": ep.url, "FTM_OAUTH_CLIENT_ID": ep.client_id,
                "FTM_OAUTH_CLIENT_SECRET": ep.client_secret,
                "FTM_IMAP_USERNAME": "network@example.org"})
    return env


def start_consent(ep: TokenEndpoint, tmp_path: Path, *args: str
                  ) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``ftm oauth consent`` running; the query of the address it asks the person to open."""
    p = subprocess.Popen([sys.executable, "-m", "ftm", "oauth", "consent", *args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=consent_env(ep), cwd=tmp_path)
    assert p.stdout is not None
    for line in p.stdout:
        if line.startswith("   https://"):
            url = line.strip()
            break
    else:
        p.kill()
        raise AssertionError(p.communicate()[1])
    assert url.startswith(consent.AUTH_URL + "?")
    return p, dict(parse_qsl(urlsplit(url).query))


def test_consent_through_the_loopback_listener(token_endpoint: TokenEndpoint,
                                               tmp_path: Path) -> None:
    # the browser comes back to 127.0.0.1 with a code: it is traded (with the PKCE
    # verifier) for a refresh token, written 0600 to both files and never printed
    token_endpoint.codes["4/0Acode-from-google"] = "1//fresh-refresh-token"
    imap, smtp = tmp_path / "imap-oauth-refresh-token", tmp_path / "smtp-oauth-refresh-token"
    p, asked = start_consent(token_endpoint, tmp_path, "--out", str(imap), "--out", str(smtp))
    assert asked["scope"] == "https://mail.google.com/"
    assert (asked["access_type"], asked["prompt"]) == ("offline", "consent")
    assert asked["login_hint"] == "network@example.org"
    assert asked["client_id"] == token_endpoint.client_id and "client_secret" not in asked
    back = asked["redirect_uri"] + "?" + urlencode(
        {"state": asked["state"], "code": "4/0Acode-from-google",
         "scope": "https://mail.google.com/"})
    assert back.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(back, timeout=10) as page:  # noqa: S310 (loopback, checked)
        assert b"go back to the terminal" in page.read()
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    for f in (imap, smtp):
        assert f.read_text() == "1//fresh-refresh-token\n"
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert "1//fresh-refresh-token" not in out + err
    (form,) = token_endpoint.requests
    assert form["grant_type"] == "authorization_code"
    assert form["redirect_uri"] == asked["redirect_uri"]
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert challenge == asked["code_challenge"] and asked["code_challenge_method"] == "S256"


def test_consent_by_pasting_the_address(token_endpoint: TokenEndpoint, tmp_path: Path) -> None:
    # the browser on another computer: the address pasted into the terminal does it;
    # without --out the token is printed for the person to store
    token_endpoint.codes["4/0Apasted"] = "1//pasted-refresh-token"
    p, asked = start_consent(token_endpoint, tmp_path)
    back = f"http://127.0.0.1:1/?state={asked['state']}&code=4/0Apasted"
    out, err = p.communicate(back + "\n", timeout=30)
    assert p.returncode == 0, err
    assert "1//pasted-refresh-token" in out


@pytest.mark.parametrize("query, says", [
    ("state=WRONG&code=4/0Ax", "does not belong to this consent"),
    ("state={state}&error=access_denied", "the consent was declined"),
    ("state={state}&code=4/0Ax&scope=https://www.googleapis.com/auth/gmail.readonly",
     "did not include full mail access"),
    ("state={state}", "holds no code"),
])
def test_consent_answers_that_give_no_code(query: str, says: str) -> None:
    # a stale tab, a refusal, an unticked scope, a cut-off address: each says what to do
    pending = consent.start(OAuthClient("id", "secret"), 8080)
    address = "http://127.0.0.1:8080/?" + query.format(state=pending.state)
    with pytest.raises(consent.ConsentError, match=says):
        consent.code_from(pending, address)


def test_a_used_consent_code_is_refused_clearly(token_endpoint: TokenEndpoint) -> None:
    # a code used twice or too late: invalid_grant, and "run it again"
    client = client_for(token_endpoint)
    pending = consent.start(client, 8080)
    with pytest.raises(OAuthRefused, match=r"refused the consent code \(invalid_grant.*"
                                           r"run `ftm oauth consent` again"):
        consent.refresh_token(client, pending, "4/0Aused")


def test_write_secret_replaces_the_file_private(tmp_path: Path) -> None:
    # an old token file is replaced in one step, and the new one is 0600 whatever the umask
    target = tmp_path / "imap-oauth-refresh-token"
    target.write_text("old\n")
    target.chmod(0o644)
    consent.write_secret(target, "new")
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
