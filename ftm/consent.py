"""The one-time OAuth consent that gives ftm its refresh token (``ftm oauth consent``).

A person signs in to the Gmail account in a browser and allows ftm full mail access
(scope ``https://mail.google.com/``, what IMAP and SMTP need). Google sends the
browser back to ``http://127.0.0.1:PORT/`` with a one-time code, which a small
listener here catches (or the person pastes the address when the browser runs on
another computer); the code is traded, with the PKCE verifier, for a refresh token.
This is Google's flow for desktop apps: no web server, no redirect URI to register.

Exceptions::

    ConsentError      the consent did not give a refresh token; the message says why
    (and ftm.oauth's OAuthError when the token endpoint refuses or cannot be reached)
"""

from __future__ import annotations

import base64
import hashlib
import os
import queue
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ftm.oauth import OAuthClient

AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
SCOPE = "https://mail.google.com/"
DONE_PAGE = (b"<!doctype html><title>ftm</title><p>ftm has the answer. You can close this "
             b"tab and go back to the terminal.</p>")


class ConsentError(Exception):
    """The consent gave no refresh token; the message says what happened and what to do."""


@dataclass(frozen=True, slots=True)
class Consent:
    """One consent in progress: the address to open, and what must come back from it."""

    url: str
    redirect_uri: str
    state: str = field(repr=False)
    verifier: str = field(repr=False)


def start(client: OAuthClient, port: int, login_hint: str = "",
          auth_url: str = AUTH_URL) -> Consent:
    """The consent address for *client*, coming back to ``http://127.0.0.1:PORT/``."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    state = secrets.token_urlsafe(16)
    redirect_uri = f"http://127.0.0.1:{port}/"
    params = {"client_id": client.client_id, "redirect_uri": redirect_uri,
              "response_type": "code", "scope": SCOPE,
              "access_type": "offline",    # a refresh token, not only an access token
              "prompt": "consent",         # ... even when this account allowed ftm before
              "state": state, "code_challenge": challenge.rstrip(b"=").decode(),
              "code_challenge_method": "S256"}
    if login_hint:
        params["login_hint"] = login_hint
    return Consent(f"{auth_url}?{urlencode(params)}", redirect_uri, state, verifier)


def code_from(consent: Consent, address: str) -> str:
    """The one-time code in the address Google sent the browser back to."""
    query = parse_qs(urlsplit(address.strip()).query)
    if query.get("state", [""])[0] != consent.state:
        raise ConsentError("that address does not belong to this consent (an older tab?): "
                           "open the address printed above")
    error = query.get("error", [""])[0]
    if error == "access_denied":
        raise ConsentError("the consent was declined: run `ftm oauth consent` again and "
                           "choose Allow")
    if error:
        raise ConsentError(f"Google answered {error}: check the client id, then run "
                           "`ftm oauth consent` again")
    code = query.get("code", [""])[0]
    if not code:
        raise ConsentError("that address holds no code: copy the whole address from the "
                           "browser's address bar")
    scopes = query.get("scope", [SCOPE])[0].split()
    if SCOPE not in scopes:
        raise ConsentError("the consent did not include full mail access: run `ftm oauth "
                           "consent` again and tick \"Read, compose, send and permanently "
                           "delete all your email from Gmail\"")
    return code


def refresh_token(client: OAuthClient, consent: Consent, code: str) -> str:
    """Trade the code for a refresh token at the token endpoint."""
    answer = client.request({"grant_type": "authorization_code", "code": code,
                             "redirect_uri": consent.redirect_uri,
                             "code_verifier": consent.verifier},
                            "the consent code",
                            "a code works once and only for minutes: run `ftm oauth consent` "
                            "again")
    token = answer.get("refresh_token")
    if not isinstance(token, str) or not token.strip():
        raise ConsentError(f"{client.who} gave no refresh token: remove ftm at "
                           "https://myaccount.google.com/permissions, then run `ftm oauth "
                           "consent` again")
    return token.strip()


class Listener:
    """Catches the browser's return on 127.0.0.1 (port 0: any free port), in a thread.

    Answers come as addresses on ``answers``; so do addresses pasted with ``paste``.
    """

    def __init__(self, port: int = 0) -> None:
        self.answers: queue.Queue[str] = queue.Queue()
        self.server = HTTPServer(("127.0.0.1", port), self._handler())
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.1,),
                                       daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paste(self, read_line: Callable[[], str]) -> None:
        """Also take addresses typed or pasted on *read_line* (stdin), in a thread."""
        def reader() -> None:
            while True:
                line = read_line()
                if not line:
                    return
                if "code=" in line or "error=" in line:
                    self.answers.put(line.strip())

        threading.Thread(target=reader, daemon=True).start()

    def wait(self, timeout: float) -> str:
        try:
            return self.answers.get(timeout=timeout)
        except queue.Empty:
            raise ConsentError(f"no answer came back within {timeout / 60:g} minutes: run "
                               "`ftm oauth consent` again") from None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        answers = self.answers

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if "code=" not in self.path and "error=" not in self.path:
                    self.send_error(404)    # the browser's favicon and the like
                    return
                answers.put(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(DONE_PAGE)))
                self.end_headers()
                self.wfile.write(DONE_PAGE)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the path holds the code: never logged

        return Handler


def write_secret(path: Path, value: str) -> None:
    """Write *value* to *path*, mode 0600, replacing it in one step (no half-written file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
