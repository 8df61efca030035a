"""The SMTP/LMTP receiver: own addresses only, size limit, 4xx while the store is unavailable."""

from __future__ import annotations

import smtplib
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from inbox.outcome import Outcome
from inbox.receive import Receiver, ReceiverConfig, is_own_address
from tests.recording import RecordingProcessor, make_message
from tests.servers import free_port

OWN = "network@forthemany.test"


class Capturing(RecordingProcessor):
    """The recording processor, also keeping the bytes it was handed."""

    def __init__(self, db_path: Path, **kw: int) -> None:
        super().__init__(db_path, **kw)  # type: ignore[arg-type]
        self.raw: list[bytes] = []

    def __call__(self, raw: bytes, received_via: str) -> Outcome:
        self.raw.append(raw)
        return super().__call__(raw, received_via)


def running(db_path: Path, protocol: str, **kw: int) -> Iterator[tuple[Receiver, Capturing]]:
    proc = Capturing(db_path, **kw)
    r = Receiver(ReceiverConfig(OWN, port=free_port(), protocol=protocol,
                                max_message_bytes=50_000), proc)
    r.start()
    try:
        yield r, proc
    finally:
        r.stop()
        proc.close()


@pytest.fixture
def smtp_receiver(db: sqlite_utils.Database, db_path: Path) -> Iterator[tuple[Receiver,
                                                                               Capturing]]:
    yield from running(db_path, "smtp", busy_timeout_ms=200)


@pytest.mark.parametrize("address, own", [
    ("network@forthemany.test", True),
    ("Network@ForTheMany.TEST", True),
    ("network+confirm-abc123@forthemany.test", True),
    ("network+hub-liverpool@forthemany.test", True),
    ("networks@forthemany.test", False),
    ("network-confirm@forthemany.test", False),
    ("other@forthemany.test", False),
    ("network@example.org", False),
    ("network@forthemany.test.evil.example", False),
    ("network+x@forthemany.test\r\nBcc: x@y", False),
])
def test_own_addresses(address: str, own: bool) -> None:
    # the network address and its sub-addresses only
    assert is_own_address(address, OWN, "+") is own


def test_smtp_accepts_own_refuses_foreign(smtp_receiver: tuple[Receiver, Capturing],
                                          db: sqlite_utils.Database) -> None:
    # RCPT for someone else is 550; mail for us is processed once, envelope in Delivered-To
    r, proc = smtp_receiver
    with smtplib.SMTP(r.config.host, r.config.port, timeout=10) as s:
        s.ehlo()
        assert s.mail("a@example.org")[0] == 250
        assert s.rcpt("stranger@example.org")[0] == 550
        s.rset()
        refused = s.sendmail("person1@example.org",
                             [OWN, "network+confirm-abc@forthemany.test", "other@forthemany.test"],
                             make_message(1))
    assert list(refused) == ["other@forthemany.test"]
    assert proc.calls == 1
    assert proc.raw[0].startswith(b"Delivered-To: network@forthemany.test\r\n"
                                  b"Delivered-To: network+confirm-abc@forthemany.test\r\n")
    assert db.execute("SELECT received_via FROM inbound_messages").fetchall() == [("smtp",)]
    assert r.handler.handled == 1


def test_smtp_refuses_oversize(smtp_receiver: tuple[Receiver, Capturing]) -> None:
    # above limits.max_message_bytes: 552 at MAIL (SIZE=) or after DATA; never processed
    r, proc = smtp_receiver
    big = make_message(1, size=80_000)
    with smtplib.SMTP(r.config.host, r.config.port, timeout=10) as s:
        with pytest.raises(smtplib.SMTPSenderRefused) as e:
            s.sendmail("person1@example.org", [OWN], big)
        assert e.value.smtp_code == 552
        assert s.mail("person1@example.org")[0] == 250  # no SIZE= this time
        assert s.rcpt(OWN)[0] == 250
        assert s.data(big)[0] == 552
    assert proc.calls == 0


def test_smtp_answers_451_while_the_store_is_locked(smtp_receiver: tuple[Receiver, Capturing],
                                                    db_path: Path,
                                                    db: sqlite_utils.Database) -> None:
    # another writer holds BEGIN IMMEDIATE: 451 so the sender retries; later it goes through
    r, proc = smtp_receiver
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with smtplib.SMTP(r.config.host, r.config.port, timeout=10) as s, \
                pytest.raises(smtplib.SMTPDataError) as e:
            s.sendmail("person1@example.org", [OWN], make_message(1))
        assert e.value.smtp_code == 451
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == 0
    with smtplib.SMTP(r.config.host, r.config.port, timeout=10) as s:
        assert s.sendmail("person1@example.org", [OWN], make_message(1)) == {}
    assert db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == 1


def test_smtp_answers_451_when_processing_crashes(
        smtp_receiver: tuple[Receiver, Capturing]) -> None:
    # a processor bug keeps the mail in the sender's queue rather than losing it
    r, _ = smtp_receiver
    with smtplib.SMTP(r.config.host, r.config.port, timeout=10) as s, \
            pytest.raises(smtplib.SMTPDataError) as e:
        s.sendmail("person1@example.org", [OWN], make_message(1, subject="crash now"))
    assert e.value.smtp_code == 451


def lmtp_session(port: int, rcpts: list[str], body: bytes) -> list[str]:
    """Speak LMTP by hand (smtplib reads one reply after DATA); return the DATA replies."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile("rb")

        def reply() -> str:
            lines = []
            while True:
                line = f.readline().decode().rstrip("\r\n")
                lines.append(line)
                if len(line) < 4 or line[3] != "-":
                    return "\n".join(lines)

        assert reply().startswith("220")
        s.sendall(b"LHLO client.test\r\n")
        assert reply().startswith("250")
        s.sendall(b"MAIL FROM:<person1@example.org>\r\n")
        assert reply().startswith("250")
        for rcpt in rcpts:
            s.sendall(f"RCPT TO:<{rcpt}>\r\n".encode())
            assert reply().startswith("250")
        s.sendall(b"DATA\r\n")
        assert reply().startswith("354")
        s.sendall(body.replace(b"\r\n.", b"\r\n..") + b"\r\n.\r\n")
        answers = [reply() for _ in rcpts]
        s.sendall(b"QUIT\r\n")
        return answers


def test_lmtp_one_reply_per_recipient(db: sqlite_utils.Database, db_path: Path) -> None:
    # LMTP: two recipients, one processing, two 250s; oversize: two 552s
    for r, proc in running(db_path, "lmtp"):
        rcpts = [OWN, "network+hub-liverpool@forthemany.test"]
        answers = lmtp_session(r.config.port, rcpts, make_message(1))
        assert [a[:3] for a in answers] == ["250", "250"]
        assert proc.calls == 1
        answers = lmtp_session(r.config.port, rcpts, make_message(2, size=80_000))
        assert [a[:3] for a in answers] == ["552", "552"]
        assert proc.calls == 1
