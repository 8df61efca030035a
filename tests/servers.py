"""Real servers on loopback for tests and benchmarks: a private Dovecot and an aiosmtpd sink.

Traps these helpers handle (see ../shared/TEST-SERVERS.md): Dovecot's base folder must
be traversable by the dovecot and nobody users (so not pytest's tmp_path), root needs
mail_uid=nobody, readiness means the ``* OK`` greeting, and stopping means signalling
the whole process group. aiosmtpd's Controller cannot take port 0, so a free port is
picked first.

Also a fake OAuth2 token endpoint (Google's ``/token``) on loopback, run by
``http.server`` in a thread, and an SMTP handler that speaks XOAUTH2 as Gmail does.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from ftm.embedded import DOVECOT, Dovecot, free_port, make_cert, wait_for_greeting

__all__ = ["DOVECOT", "Dovecot", "ImapAccount", "OAuthSink", "SmtpServer", "TokenEndpoint",
           "free_port", "make_cert", "wait_for_greeting", "running_smtp"]


@dataclass
class ImapAccount:
    """One mailbox user on a running Dovecot: what the daemon would be configured with."""

    server: Dovecot
    user: str
    password: str

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.port

    def client(self):  # type: ignore[no-untyped-def]
        return self.server.client(self.user)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        self.server.append(raw, folder, self.user)


@dataclass
class ReceivedMail:
    """One message as the SMTP server accepted it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: str
    auth: object | None

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


class SinkHandler:
    """aiosmtpd handler that records messages and misbehaves when told to.

    ``fail_rcpt[address] = "550 5.1.1 No such user"`` answers that recipient so;
    ``fail_data = "451 ..."`` answers DATA so; ``drop_after = N`` closes the
    connection instead of accepting the message after N have been accepted.
    """

    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []
        self.fail_rcpt: dict[str, str] = {}
        self.fail_data: str | None = None
        self.drop_after: int | None = None
        self.connections = 0
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        answer = self.fail_rcpt.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.fail_data:
            return self.fail_data
        with self.lock:
            if self.drop_after is not None and len(self.messages) >= self.drop_after:
                self.drop_after = None  # drop once; a retry then succeeds
                if server.transport is not None:
                    server.transport.close()
                return "421 4.4.2 connection dropped by test"
            data = envelope.original_content or b""
            self.messages.append(ReceivedMail(
                mail_from=envelope.mail_from or "", rcpt_tos=list(envelope.rcpt_tos),
                data=data, peer=str(session.peer), auth=session.auth_data))
            self.arrived.notify_all()
        return "250 2.0.0 OK queued"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Wait until at least *count* messages have arrived; return them all."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)


class OAuthSink(SinkHandler):
    """The sink, also speaking XOAUTH2 as Gmail does: user and bearer token in one base64
    blob; a refused token gets Gmail's JSON challenge, then 535 once it is answered.

    *accepts* says whether a token is good now; ``logins`` records (token, accepted).
    """

    def __init__(self, accepts: Callable[[str], bool]) -> None:
        super().__init__()
        self.accepts = accepts
        self.logins: list[tuple[str, bool]] = []

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        raw = base64.b64decode(args[1]).decode()
        fields = dict(p.split("=", 1) for p in raw.split("\x01") if "=" in p)
        token = fields.get("auth", "").removeprefix("Bearer ")
        ok = self.accepts(token)
        self.logins.append((token, ok))
        if ok:
            return AuthResult(success=True, auth_data=f"XOAUTH2:{fields.get('user')}")
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer",
                                                "scope": "https://mail.google.com/"}))
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Username and Password not accepted")


class SmtpServer:
    """An aiosmtpd Controller on a free loopback port with a recording SinkHandler."""

    def __init__(self, handler: SinkHandler | None = None, **controller_kwargs: object) -> None:
        self.handler = handler or SinkHandler()
        self.host = "127.0.0.1"
        self.port = free_port()
        kwargs: dict[str, object] = {"server_hostname": "mx.test", "ready_timeout": 10,
                                     "data_size_limit": 50_000_000}
        kwargs.update(controller_kwargs)
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     **kwargs)  # type: ignore[arg-type]

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.handler.messages

    def sent_messages(self, expected: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Exactly *expected* messages arrived (waits up to *timeout* for them); else fail."""
        got = self.handler.wait_for(expected, timeout)
        assert len(got) == expected, (
            f"expected {expected} message(s), SMTP server got {len(got)}: "
            + "; ".join(f"{m.rcpt_tos} {m.message.get('Subject')}" for m in got))
        return got


@contextlib.contextmanager
def running_smtp(**kwargs: object) -> Iterator[SmtpServer]:
    server = SmtpServer(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class TokenEndpoint:
    """A fake OAuth2 token endpoint on 127.0.0.1, served by http.server in a thread.

    ``grant_type=refresh_token`` with the right client and refresh token gets an access
    token: the next of ``queue`` if any, else ``ya29.test-N``, with ``expires_in``.
    ``grant_type=authorization_code`` trades a code in ``codes`` for its refresh token.
    Every request's form is kept in ``requests``. ``answer = (status, body, headers)``
    makes it answer that instead; while ``gate`` is not set, requests wait for it
    (``waiting`` counts them).
    """

    client_id: str = "1234-test.apps.googleusercontent.com"
    client_secret: str = "GOCSPX-test-client-secret"
    refresh_token: str = "1//test-refresh-token"
    expires_in: int = 3599
    queue: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    answer: tuple[int, Any, dict[str, str]] | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    requests: list[dict[str, str]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    waiting: int = 0

    def __post_init__(self) -> None:
        self.gate.set()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    def start(self) -> TokenEndpoint:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def _respond(self, form: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if self.answer is not None:
            return self.answer
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id,
                                                                   self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}, {}
        grant = form.get("grant_type")
        if grant == "authorization_code" and form.get("code") in self.codes:
            return 200, {"access_token": "ya29.from-consent", "expires_in": self.expires_in,
                         "refresh_token": self.codes[form["code"]], "token_type": "Bearer",
                         "scope": "https://mail.google.com/"}, {}
        if grant != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant",
                         "error_description": "Token has been expired or revoked."}, {}
        token = self.queue.pop(0) if self.queue else f"ya29.test-{len(self.issued) + 1}"
        self.issued.append(token)
        return 200, {"access_token": token, "expires_in": self.expires_in,
                     "scope": "https://mail.google.com/", "token_type": "Bearer"}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                size = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(size).decode()))
                form["content-type"] = self.headers.get("Content-Type", "")
                with endpoint.lock:
                    endpoint.requests.append(form)
                    endpoint.waiting += 1
                endpoint.gate.wait(30)
                with endpoint.lock:
                    endpoint.waiting -= 1
                    status, body, headers = endpoint._respond(form)
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802
                with endpoint.lock:
                    endpoint.requests.append({"GET": self.path})
                self.send_error(405)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: pytest shows what matters

        return Handler
