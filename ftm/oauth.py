"""OAuth2 access tokens for XOAUTH2 logins, refreshed from a refresh token before they expire.

Gmail's access tokens last an hour. A ``TokenSource`` keeps the long-lived refresh
token (with the OAuth client's id and secret), POSTs ``grant_type=refresh_token`` to
the token endpoint when it holds no access token or the one it holds is about to
expire, and hands the same token to every login until then. A login the server
refuses calls ``invalidate(token)``, so the next ``token()`` fetches a fresh one.
``TokenSources`` gives IMAP and SMTP one shared source when they log in with the same
client and refresh token.

Only the standard library speaks HTTP here (``urllib.request``): one POST an hour
needs no more. Every request has a timeout and follows no redirect. Nothing here logs
or repeats a secret; errors name the variable or credential a volunteer must fix.

Exceptions::

    OAuthError            no access token now; the message is one line saying what to do
    ├── OAuthUnavailable  the endpoint cannot be reached or answered oddly: try again later
    └── OAuthRefused      the endpoint refused the refresh token or the client: a person
                          must act (a new refresh token, the right client id and secret)
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

log = logging.getLogger(__name__)

TOKEN_URL = "https://oauth2.googleapis.com/token"
TIMEOUT = 20.0     # seconds for each step of a request: connect, send, every read
EARLY = 300.0      # an access token is replaced this long before it expires
YOUNG = 60.0       # a token refused younger than this is not stale: it is kept
LIFETIME = 3600.0  # what an answer without expires_in is taken to mean (Google's hour)
MAX_ANSWER = 65_536
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII: nothing that breaks a command


class OAuthError(Exception):
    """No access token can be had now; the message is one line saying what to do."""


class OAuthUnavailable(OAuthError):
    """The token endpoint could not be reached, or answered oddly: try again later."""


class OAuthRefused(OAuthError):
    """The endpoint refused the refresh token or the client: a person must act."""


def token_url_problem(url: str) -> str | None:
    """Why *url* cannot be the token endpoint, or None: https, or plain http on loopback."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if host and parts.scheme == "https":
        return None
    if host in LOOPBACK and parts.scheme == "http":
        return None
    return f"expected an https:// URL (http:// only on 127.0.0.1), got {url!r}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A token endpoint that redirects is misconfigured: the answer is an error, not a hop."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """The OAuth client (from the Google Cloud console) and the endpoint it asks for tokens.

    *hint* names where the id and secret come from, for the message when they are refused.
    """

    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    token_url: str = TOKEN_URL
    timeout: float = TIMEOUT
    hint: str = "the OAuth client id and secret"

    def __post_init__(self) -> None:
        problem = token_url_problem(self.token_url)
        if problem:
            raise ValueError(f"token endpoint: {problem}")

    @property
    def who(self) -> str:
        """The endpoint as a volunteer knows it: "Google", else its host name."""
        host = urlsplit(self.token_url).hostname or self.token_url
        return "Google" if host.endswith((".googleapis.com", ".google.com")) else host

    def request(self, form: Mapping[str, str], what: str, todo: str) -> dict[str, Any]:
        """POST *form* with the client's id and secret; the endpoint's JSON answer.

        *what* names what was asked for ("the refresh token") and *todo* what a person
        must do when the endpoint answers ``invalid_grant``; both go into the error.
        """
        body = {**form, "client_id": self.client_id, "client_secret": self.client_secret}
        req = urllib.request.Request(  # noqa: S310 (the URL is checked: https or loopback)
            self.token_url, data=urlencode(body).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json", "User-Agent": "ftm"})
        try:
            with _OPENER.open(req, timeout=self.timeout) as resp:
                status, raw = resp.status, resp.read(MAX_ANSWER)
        except urllib.error.HTTPError as e:
            status, raw = e.code, _read_quietly(e)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
            raise OAuthUnavailable(f"cannot reach the OAuth token endpoint {self.token_url} "
                                   f"({_why(e)}); ftm tries again later") from None
        answer = _json_object(raw)
        if status == 200 and answer is not None:
            return answer
        answer = answer or {}
        code = answer.get("error")
        if status in (400, 401) and isinstance(code, str) and code:
            said = _scrub(f"{code}: {answer.get('error_description') or 'no reason given'}",
                          body.values())
            if code == "invalid_grant":
                raise OAuthRefused(f"{self.who} refused {what} ({said}): {todo}")
            if code in ("invalid_client", "unauthorized_client"):
                raise OAuthRefused(f"{self.who} refused the OAuth client ({said}): check "
                                   f"{self.hint} against the client in the Google Cloud "
                                   "console")
            raise OAuthRefused(f"{self.who} refused the token request ({said}): check "
                               f"{self.hint} and [oauth] token_url")
        what_came = "no JSON" if status == 200 else f"HTTP {status}"
        raise OAuthUnavailable(f"the OAuth token endpoint {self.token_url} answered "
                               f"{what_came}; ftm tries again later")


class TokenSource:
    """Access tokens from one refresh token: cached, refreshed before expiry, thread-safe.

    ``token()`` may block for a request (at most a few timeouts); ``where`` lists where
    the refresh token is set, for the message when it is refused. *clock* is monotonic
    seconds (tests move it by hand).
    """

    def __init__(self, client: OAuthClient, refresh_token: str, where: str = "",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._refresh_token = refresh_token
        self.where = [where] if where else []
        self.clock = clock
        self.refreshes = 0              # access tokens fetched so far
        self._lock = threading.Lock()
        self._token: str | None = None
        self._issued = 0.0
        self._fresh_until = 0.0
        self._refused: str | None = None

    def __repr__(self) -> str:
        return f"TokenSource({self.client.token_url}, refreshes={self.refreshes})"

    def token(self) -> str:
        """The access token to log in with now, fetched when there is none or it expires soon."""
        with self._lock:
            if self._refused is not None:   # permanent: asking again would only be refused
                raise OAuthRefused(self._refused)
            if self._token is not None and self.clock() < self._fresh_until:
                return self._token
            return self._refresh()

    def invalidate(self, token: str) -> None:
        """The server refused *token*: forget it, so the next login gets a fresh one.

        A token refused within ``YOUNG`` seconds of being issued is kept: the refusal is
        about something else (the username, IMAP turned off), and fetching again would
        only hammer the endpoint.
        """
        with self._lock:
            if token != self._token or self.clock() - self._issued < YOUNG:
                return
            self._token = None
            log.info("the server refused an access token from %s; the next login gets a "
                     "fresh one", self.client.who)

    def _refresh(self) -> str:
        where = " and ".join(self.where) or "the refresh token's variable or credential"
        todo = ("make a new one with `ftm oauth consent` (README, \"Gmail with OAuth\"), "
                f"put it in {where} and restart ftm")
        started = self.clock()
        try:
            answer = self.client.request({"grant_type": "refresh_token",
                                          "refresh_token": self._refresh_token},
                                         "the refresh token", todo)
        except OAuthRefused as e:
            self._refused = str(e)
            log.error("%s", e)
            raise
        token, lifetime = access_token_of(answer, self.client)
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self._refresh_token:
            self._refresh_token = rotated  # kept in memory only: the credential is read-only
            log.warning("%s sent a new refresh token; ftm uses it until it restarts but "
                        "cannot store it", self.client.who)
        self._token = token
        self._issued = started
        self._fresh_until = started + lifetime - min(EARLY, lifetime / 2)
        self.refreshes += 1
        log.info("new access token from %s, good for %d s", self.client.who, lifetime)
        return token


def access_token_of(answer: Mapping[str, Any], client: OAuthClient) -> tuple[str, float]:
    """(access token, seconds it lasts) from a token answer; OAuthUnavailable if it has none."""
    token = answer.get("access_token")
    kind = answer.get("token_type", "Bearer")
    if not (isinstance(token, str) and _TOKEN_CHARS.fullmatch(token)
            and isinstance(kind, str) and kind.lower() == "bearer"):
        raise OAuthUnavailable(f"the OAuth token endpoint {client.token_url} answered "
                               "without a bearer access token; ftm tries again later")
    raw = answer.get("expires_in", LIFETIME)
    try:
        lifetime = max(0.0, float(raw))
    except (TypeError, ValueError):
        lifetime = 0.0                # unknown: use it for this login only
    return token, lifetime


class TokenSources:
    """One ``TokenSource`` per endpoint, client and refresh token, for the whole process.

    IMAP and SMTP logging in to one Gmail account with one refresh token share a
    source, so they share its access token and refresh it once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._sources: dict[tuple[str, str, str, str], TokenSource] = {}

    def get(self, client: OAuthClient, refresh_token: str, where: str = "") -> TokenSource:
        key = (client.token_url, client.client_id, client.client_secret, refresh_token)
        with self._lock:
            source = self._sources.get(key)
            if source is None:
                source = self._sources[key] = TokenSource(client, refresh_token, where,
                                                          self.clock)
            elif where and where not in source.where:
                source.where.append(where)
            return source


@dataclass(frozen=True, slots=True)
class SecretToken:
    """An access token set by hand (no refresh token): read at each login, used as it is."""

    read: Callable[[], str | None] = field(repr=False)

    def token(self) -> str | None:
        return self.read()

    def invalidate(self, token: str) -> None:
        """Nothing to forget: a refused hand-set token stays refused until someone replaces it."""


def _read_quietly(e: urllib.error.HTTPError) -> bytes:
    try:
        return e.read(MAX_ANSWER)
    except (OSError, http.client.HTTPException):
        return b""
    finally:
        e.close()


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _scrub(text: str, secrets: Any) -> str:
    """*text* on one line, at most 200 characters, with no secret of the request in it."""
    for s in secrets:
        if isinstance(s, str) and len(s) >= 8:
            text = text.replace(s, "********")
    return " ".join(text.split())[:200]


def _why(e: BaseException) -> str:
    reason = getattr(e, "reason", None) if isinstance(e, urllib.error.URLError) else e
    if isinstance(reason, TimeoutError):
        return "timed out"
    return " ".join(str(reason or e).split())[:200] or type(e).__name__
