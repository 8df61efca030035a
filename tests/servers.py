"""Real servers on loopback for tests and benchmarks: a private Dovecot and an aiosmtpd sink.

Traps these helpers handle (see ../shared/TEST-SERVERS.md): Dovecot's base folder must
be traversable by the dovecot and nobody users (so not pytest's tmp_path), root needs
mail_uid=nobody, readiness means the ``* OK`` greeting, and stopping means signalling
the whole process group. aiosmtpd's Controller cannot take port 0, so a free port is
picked first.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DOVECOT = "/usr/sbin/dovecot"
HERE = Path(__file__).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_greeting(port: int, prefix: bytes, timeout: float = 10.0) -> None:
    """Wait until the server on *port* greets with *prefix* (a failing one still accepts)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                greeting = s.recv(200)
                if greeting.startswith(prefix):
                    return
                last = RuntimeError(f"greeting {greeting!r}")
        except OSError as e:
            last = e
        time.sleep(0.02)
    raise TimeoutError(f"no {prefix!r} greeting on port {port} within {timeout}s: {last}")


def make_cert(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A self-signed certificate and key for *host*, made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    os.chmod(key, 0o644)  # Dovecot reads it as root before dropping, tests as anyone
    return cert, key


@dataclass
class Dovecot:
    """A private Dovecot: its own config, folder, ports and users; never the system one."""

    users: dict[str, str] = field(default_factory=lambda: {"ftm": "ftm-password"})
    tls: bool = False
    base: Path = field(init=False)
    port: int = field(init=False, default=0)
    imaps_port: int = field(init=False, default=0)
    proc: subprocess.Popen[bytes] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError(f"{DOVECOT} is missing: scripts/debian-packages.sh installs it")
        # mkdtemp, not tmp_path: auth runs as `dovecot`, imap as `nobody`; both must
        # be able to traverse every folder down to the mail store.
        self.base = Path(tempfile.mkdtemp(prefix="ftm-dovecot-"))
        os.chmod(self.base, 0o755)  # noqa: S103 - see above
        for sub in ("run", "state", "mail"):
            (self.base / sub).mkdir()
        self.write_config()

    @property
    def conf(self) -> Path:
        return self.base / "dovecot.conf"

    def write_config(self) -> None:
        self.port = free_port()
        self.imaps_port = free_port() if self.tls else 0
        root = os.getuid() == 0
        if root:
            user_block = "mail_uid = nobody\nmail_gid = nogroup"
            chroot = ""
            shutil.chown(self.base / "mail", "nobody", "nogroup")
        else:
            me = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            user_block = (f"default_internal_user = {me}\ndefault_internal_group = {group}\n"
                          f"default_login_user = {me}")
            chroot = "chroot ="
        if self.tls:
            cert, key = make_cert(self.base)
            ssl_block = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n" \
                        "disable_plaintext_auth = no"
        else:
            ssl_block = "ssl = no\ndisable_plaintext_auth = no"
        text = (HERE / "dovecot.conf.in").read_text()
        for k, v in {"@USER_BLOCK@": user_block, "@SSL_BLOCK@": ssl_block, "@CHROOT@": chroot,
                     "@BASE@": str(self.base), "@PORT@": str(self.port),
                     "@IMAPS_PORT@": str(self.imaps_port)}.items():
            text = text.replace(k, v)
        self.conf.write_text(text)
        (self.base / "passwd").write_text(
            "".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in self.users.items()))

    def start(self) -> Dovecot:
        log = open(self.base / "stdout.log", "ab")  # noqa: SIM115 - lives with the process
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(self.conf)], stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_greeting(self.port, b"* OK")
        except TimeoutError as e:
            self.stop()
            logs = "".join((self.base / f).read_text(errors="replace")[-2000:]
                           for f in ("dovecot.log", "stdout.log"))
            raise RuntimeError(f"Dovecot did not start: {logs}") from e
        return self

    def stop(self) -> None:
        """SIGTERM the whole process group (the master alone leaves imap children)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port and mail store."""
        self.stop()
        # the greeting check needs the old listener gone; start() waits for the new one
        log = open(self.base / "stdout.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(self.conf)], stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_greeting(self.port, b"* OK")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def add_user(self, user: str, password: str) -> None:
        """A new mailbox user; the passwd-file is read on each login."""
        self.users[user] = password
        with open(self.base / "passwd", "a") as fh:
            fh.write(f"{user}:{{PLAIN}}{password}::::::\n")

    def doveadm(self, *args: str, stdin: bytes | None = None) -> str:
        out = subprocess.run(["doveadm", "-c", str(self.conf), *args], input=stdin,
                             capture_output=True, check=True)
        return out.stdout.decode(errors="replace")

    def client(self, user: str = "ftm"):  # type: ignore[no-untyped-def]
        """A logged-in IMAPClient (plain IMAP on loopback)."""
        from imapclient import IMAPClient

        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        c.login(user, self.users[user])
        return c

    def append(self, raw: bytes, folder: str = "INBOX", user: str = "ftm") -> None:
        c = self.client(user)
        try:
            c.append(folder, raw)
        finally:
            c.logout()


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
