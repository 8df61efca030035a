"""Mail servers ftm can start for itself: a private Dovecot and an SMTP sink that keeps .eml files.

``ftm demo`` runs the real daemon against these, and the test suite uses the same
code. Traps handled here (seen on Debian 12): Dovecot's base folder must be
traversable by the ``dovecot`` and ``nobody`` users, root needs ``mail_uid=nobody``,
readiness means the ``* OK`` greeting, and stopping means signalling the whole
process group. aiosmtpd's Controller cannot take port 0, so a free port is picked
first.
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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

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
        text = (resources.files("ftm") / "data" / "dovecot.conf.in").read_text()
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

    def client(self, user: str = "ftm") -> Any:
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


class EmlSink:
    """An SMTP server on loopback that accepts everything and keeps each message.

    Messages are kept in memory (``messages``: envelope recipients and bytes) and,
    when *folder* is given, written there as ``NNNN-recipient.eml`` to open.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.messages: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     server_hostname="sink.ftm.invalid", ready_timeout=10)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), data))
            n = len(self.messages)
        if self.folder is not None:
            who = "".join(ch if ch.isalnum() or ch in "@.-" else "_"
                          for ch in (envelope.rcpt_tos or ["unknown"])[0])
            (self.folder / f"{n:04d}-{who}.eml").write_bytes(data)
        return "250 2.0.0 OK kept"

    def start(self) -> EmlSink:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
