"""Real servers on loopback for tests and benchmarks: a private Dovecot and an aiosmtpd sink.

Traps these helpers handle (see ../shared/TEST-SERVERS.md): Dovecot's base folder must
be traversable by the dovecot and nobody users (so not pytest's tmp_path), root needs
mail_uid=nobody, readiness means the ``* OK`` greeting, and stopping means signalling
the whole process group. aiosmtpd's Controller cannot take port 0, so a free port is
picked first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from ftm.embedded import DOVECOT, Dovecot, free_port, make_cert, wait_for_greeting

__all__ = ["DOVECOT", "Dovecot", "ImapAccount", "SmtpServer", "free_port", "make_cert",
           "wait_for_greeting", "running_smtp"]


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


class SmtpServer:
    """An aiosmtpd Controller on a free loopback port with a recording SinkHandler."""

    def __init__(self, **controller_kwargs: object) -> None:
        self.handler = SinkHandler()
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
