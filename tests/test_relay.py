"""The relay's side: STARTTLS, implicit TLS, AUTH PLAIN/LOGIN/XOAUTH2, slow-down, quota, DKIM."""

from __future__ import annotations

import base64
import ssl
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dkim
import pytest
import sqlite_utils
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from lists import outbox, relays
from lists.outbox import OutgoingMail, enqueue
from lists.store import open_db, transaction
from mailer.compose import Composer
from mailer.config import DkimConfig, FixedToken
from mailer.deliver import OutboxDeliverer
from mailer.dkim import Signer
from mailer.render import Renderer
from tests.mailhelp import START, Clock, identity, parsed, relay
from tests.servers import OAuthSink, SinkHandler, SmtpServer, make_cert

USERS = {"ftm": "s3cret"}


def authenticator(server: SMTP, session: Any, envelope: Any, mechanism: str,
                  data: Any) -> AuthResult:
    ok = (isinstance(data, LoginPassword)
          and USERS.get(data.login.decode()) == data.password.decode())
    if not ok:
        return AuthResult(success=False, handled=False)   # aiosmtpd then answers 535
    return AuthResult(success=True, auth_data=f"{mechanism}:{data.login.decode()}")


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_cert(tmp_path_factory.mktemp("tls"), "localhost")


def server_tls(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


def client_tls(cert: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert[0]))


@pytest.fixture
def running() -> Iterator[list[SmtpServer]]:
    servers: list[SmtpServer] = []
    yield servers
    for s in servers:
        s.stop()


def start(running: list[SmtpServer], handler: SinkHandler | None = None,
          **kw: Any) -> SmtpServer:
    server = SmtpServer(handler, **kw)
    running.append(server.start())
    return server


def send_one(db: sqlite_utils.Database, server: SmtpServer, **relay_kw: Any) -> Any:
    with transaction(db):
        enqueue(db, OutgoingMail("member/welcome", "ann@example.org", "Ann", kind="notice"), START)
    d = OutboxDeliverer(db, relay(server, host="localhost", **relay_kw),
                        Composer(identity(), Renderer()), Clock())
    return d.flush()


def test_starttls_then_auth_plain(db: sqlite_utils.Database, running: list[SmtpServer],
                                  cert: tuple[Path, Path]) -> None:
    # STARTTLS is required by the server; the login goes over TLS with AUTH PLAIN
    server = start(running, tls_context=server_tls(cert), require_starttls=True,
                   authenticator=authenticator, auth_required=True)
    report = send_one(db, server, security="starttls", username="ftm", password="s3cret",
                      tls_context=client_tls(cert))
    assert report.sent == 1, report
    (m,) = server.sent_messages(expected=1)
    assert m.auth == "PLAIN:ftm"


def test_implicit_tls_then_auth_login(db: sqlite_utils.Database, running: list[SmtpServer],
                                      cert: tuple[Path, Path]) -> None:
    # TLS from the first byte (port 465 style); the server offers LOGIN only
    server = start(running, ssl_context=server_tls(cert), authenticator=authenticator,
                   auth_required=True, auth_require_tls=False, auth_exclude_mechanism=["PLAIN"])
    report = send_one(db, server, security="tls", username="ftm", password="s3cret",
                      tls_context=client_tls(cert))
    assert report.sent == 1, report
    assert server.sent_messages(expected=1)[0].auth == "LOGIN:ftm"


def test_tls_with_an_untrusted_certificate_sends_nothing(db: sqlite_utils.Database,
                                                         running: list[SmtpServer],
                                                         cert: tuple[Path, Path]) -> None:
    # without the test CA the self-signed certificate is refused; the mail stays queued
    server = start(running, ssl_context=server_tls(cert))
    report = send_one(db, server, security="tls")
    assert report.sent == 0 and report.stopped and "certificate" in report.stopped.lower()
    assert server.messages == []
    (row,) = outbox.waiting(db)
    assert row.state == "queued"


def test_xoauth2(db: sqlite_utils.Database, running: list[SmtpServer]) -> None:
    # Gmail's XOAUTH2: user and bearer token in one base64 blob
    server = start(running, handler=OAuthSink(lambda token: token == "ya29.good-token"),
                   auth_required=True, auth_require_tls=False)
    report = send_one(db, server, username="ftm@example.org", auth="xoauth2",
                      oauth=FixedToken("ya29.good-token"))
    assert report.sent == 1, report
    assert server.sent_messages(expected=1)[0].auth == "XOAUTH2:ftm@example.org"


def test_wrong_password_stops_with_one_clear_reason(db: sqlite_utils.Database,
                                                    running: list[SmtpServer]) -> None:
    # 535: nothing sent, the row waits, the reason names the login and never the password
    server = start(running, authenticator=authenticator, auth_required=True,
                   auth_require_tls=False)
    report = send_one(db, server, username="ftm", password="wrong-pw", concurrency=3)
    assert report.sent == 0 and "refused the login for ftm" in report.stopped
    assert "wrong-pw" not in report.stopped
    (row,) = outbox.waiting(db)
    assert row.state == "queued"
    assert relays.used(db, relay(server, host="localhost", username="ftm").name, START) == 0


def test_too_many_logins_pauses_the_relay_across_runs(db: sqlite_utils.Database,
                                                      running: list[SmtpServer]) -> None:
    # "454 4.7.0 Too many login attempts" pauses the relay in the store: the next run waits
    class Angry(SinkHandler):
        async def auth_PLAIN(self, server: SMTP, args: list[str]) -> AuthResult:
            self.connections += 1
            return AuthResult(success=False, handled=False,
                              message="454 4.7.0 Too many login attempts, please try again later.")

    handler = Angry()
    server = start(running, handler=handler, auth_required=True, auth_require_tls=False)
    first = send_one(db, server, username="ftm", password="s3cret", concurrency=4)
    assert first.sent == 0 and first.paused_until is not None
    assert handler.connections == 1                  # one try, not four connections hammering
    second = send_one(db, server, username="ftm", password="s3cret")
    assert second.paused_until == first.paused_until and handler.connections == 1
    rows = outbox.waiting(db)
    assert len(rows) == 2 and all(r.state == "queued" for r in rows)


def test_daily_quota_of_500_holds_across_a_restart(db_path: Path, db: sqlite_utils.Database,
                                                   smtp_server: SmtpServer) -> None:
    # 700 queued, quota 500: 500 go; a new process sends none until the window moves on
    with transaction(db):
        for i in range(700):
            enqueue(db, OutgoingMail("member/welcome", f"q{i}@example.org", kind="notice"), START)
    clock = Clock()
    cfg = relay(smtp_server, daily_quota=500, concurrency=4)
    first = OutboxDeliverer(db, cfg, Composer(identity(), Renderer()), clock).flush()
    assert first.sent == 500 and first.deferred_by_quota
    assert first.quota_next_at == START.replace(second=0) + timedelta(hours=24, minutes=1)
    restarted = open_db(db_path)
    clock.advance(hours=23)
    again = OutboxDeliverer(restarted, cfg, Composer(identity(), Renderer()), clock).flush()
    assert again.sent == 0 and again.deferred_by_quota
    assert len(smtp_server.messages) == 500
    clock.advance(hours=1, minutes=2)
    last = OutboxDeliverer(restarted, cfg, Composer(identity(), Renderer()), clock).flush()
    assert last.sent == 200
    assert len({m.rcpt_tos[0] for m in smtp_server.sent_messages(expected=700)}) == 700
    restarted.close()


def test_dkim_signature_verifies(db: sqlite_utils.Database, smtp_server: SmtpServer,
                                 tmp_path: Path) -> None:
    # a configured key signs every message; the signature checks out against its DNS record
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)
    pub = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(pub)
    signer = Signer(DkimConfig("ftm1", "example.org", key.read_bytes()))
    with transaction(db):
        enqueue(db, OutgoingMail("hub/notice", "ann@example.org", "Ann",
                                 {"subject": "Signed", "body": "Hello"}, kind="list"), START)
    OutboxDeliverer(db, relay(smtp_server), Composer(identity(), Renderer(), signer),
                    Clock()).flush()
    (m,) = smtp_server.sent_messages(expected=1)
    sig = parsed(m)["DKIM-Signature"]
    assert "d=example.org" in sig and "s=ftm1" in sig and "list-unsubscribe" in sig.lower()

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"ftm1._domainkey.example.org."
        return record

    assert dkim.verify(m.data, dnsfunc=dns)
    assert not dkim.verify(m.data.replace(b"Hello", b"Hellx"), dnsfunc=dns)
