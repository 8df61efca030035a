"""The SMTP transport: an asyncio client that pipelines (RFC 2920) over one reused connection.

Speaks EHLO, STARTTLS or implicit TLS, logs in (``mailer.smtpauth``), then sends
many messages per connection. With PIPELINING, ``MAIL``/``RCPT``/``DATA`` go in
one write, and the end-of-data dot of one message travels with the next message's
commands, so each message costs one round trip. Every recipient gets its own
reply (a ``Reply``: code and text), which the caller turns into sent, retry or
failed. Before a message's end-of-data dot is written, ``send_batch`` awaits the
caller's record of the previous message, so at most one accepted message per
connection is not yet in the store (what a crash could send twice).

Errors of sockets, TLS and timeouts are mapped here, in one place, to the
``SmtpError`` tree drawn in ``mailer.smtpreply``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from mailer.config import RelayConfig
from mailer.smtpauth import login
from mailer.smtpreply import (
    LOST,
    Reply,
    SmtpError,
    SmtpPermanent,
    SmtpTemporary,
    SmtpThrottled,
)


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message for one recipient: the envelope and the bytes (CRLF line endings)."""

    sender: str
    recipient: str
    data: bytes


def stuff(data: bytes) -> bytes:
    """Dot-stuff *data* (RFC 5321 4.5.2) and add the end-of-data line."""
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _commands(e: Envelope, size: bool) -> bytes:
    extra = f" SIZE={len(e.data)}" if size else ""
    return f"MAIL FROM:<{e.sender}>{extra}\r\nRCPT TO:<{e.recipient}>\r\nDATA\r\n".encode()


OnResult = Callable[[int, Reply], Awaitable[None]]


class SmtpClient:
    """One connection to the relay. ``await SmtpClient.connect(cfg)``, then ``send_batch``."""

    def __init__(self, cfg: RelayConfig, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.cfg = cfg
        self.reader = reader
        self.writer = writer
        self.extensions: dict[str, str] = {}
        self._timeout = cfg.timeout
        self._buf = bytearray()
        self._waiting = False       # a read is outstanding
        self._seen = False          # bytes arrived since the watchdog last looked
        self._timed_out = False
        self._watchdog = asyncio.get_running_loop().call_later(cfg.timeout, self._watch)

    # -- connection set-up ---------------------------------------------------------
    @classmethod
    async def connect(cls, cfg: RelayConfig) -> SmtpClient:
        """Open, greet, EHLO, STARTTLS if configured, and log in if a username is set."""
        tls = cfg.ssl_context() if cfg.security == "tls" else None
        try:
            async with asyncio.timeout(cfg.timeout):
                reader, writer = await asyncio.open_connection(
                    cfg.host, cfg.port, ssl=tls, server_hostname=cfg.host if tls else None,
                    limit=1 << 16)
        except (OSError, TimeoutError) as e:
            raise SmtpTemporary(f"cannot connect to {cfg.host}:{cfg.port}: {_why(e)}") from e
        client = cls(cfg, reader, writer)
        try:
            await client._open()
        except BaseException:
            client.abort()
            raise
        return client

    async def _open(self) -> None:
        greeting = await self.read_reply()
        if greeting.code != 220:
            raise _session_error("greeting", greeting)
        await self.ehlo()
        if self.cfg.security == "starttls":
            if "starttls" not in self.extensions:
                raise SmtpPermanent(f"{self.cfg.host} does not offer STARTTLS; set "
                                    "[smtp] security to tls or none")
            reply = await self.command(b"STARTTLS\r\n")
            if reply.code != 220:
                raise _session_error("STARTTLS", reply)
            try:
                async with asyncio.timeout(self._timeout):
                    await self.writer.start_tls(self.cfg.ssl_context(),
                                                server_hostname=self.cfg.host)
            except (OSError, TimeoutError, ssl.SSLError) as e:
                raise SmtpTemporary(f"TLS with {self.cfg.host} failed: {_why(e)}") from e
            await self.ehlo()
        if self.cfg.username:
            await login(self)

    async def ehlo(self) -> None:
        reply = await self.command(f"EHLO {self.cfg.helo}\r\n".encode())
        if reply.code != 250:
            raise _session_error("EHLO", reply)
        self.extensions = {}
        for line in reply.text.split("\n")[1:]:
            word, _, rest = line.strip().partition(" ")
            self.extensions[word.lower()] = rest

    # -- replies -------------------------------------------------------------------
    async def read_reply(self) -> Reply:
        """One (possibly multi-line) reply; lines after the first are joined with newlines."""
        return (await self.read_replies(1))[0]

    async def read_replies(self, count: int) -> list[Reply]:
        """The next *count* replies, read from a buffer that takes whatever has arrived.

        A pipelined group's replies usually arrive in one segment: one read, no
        per-line awaits. A watchdog (not a timer per read) aborts a silent connection.
        """
        out: list[Reply] = []
        lines: list[str] = []
        buf = self._buf
        try:
            while len(out) < count:
                nl = buf.find(b"\n")
                if nl < 0:
                    self._waiting = True
                    chunk = await self.reader.read(1 << 16)
                    self._waiting = False
                    self._seen = True
                    if not chunk:
                        raise asyncio.IncompleteReadError(bytes(buf), None)
                    buf += chunk
                    continue
                line = buf[:nl].decode("utf-8", "replace").rstrip("\r")
                del buf[:nl + 1]
                if len(line) < 3 or not line[:3].isdigit():
                    raise SmtpTemporary(f"{self.cfg.host} said something that is not "
                                        f"SMTP: {line[:80]!r}")
                lines.append(line[4:])
                if len(line) == 3 or line[3] != "-":
                    out.append(Reply(int(line[:3]), "\n".join(lines)))
                    lines = []
        except (asyncio.IncompleteReadError, OSError, ssl.SSLError) as e:
            why = "timed out" if self._timed_out else _why(e)
            raise SmtpTemporary(f"lost the connection to {self.cfg.host}: {why}") from e
        return out

    def _watch(self) -> None:
        """Every timeout: abort the connection if a read waited all that time for nothing."""
        if self.writer.is_closing():
            return
        if self._waiting and not self._seen:
            self._timed_out = True
            self.writer.transport.abort()
            return
        self._seen = False
        self._watchdog = asyncio.get_running_loop().call_later(self._timeout, self._watch)

    def write(self, data: bytes) -> None:
        self.writer.write(data)

    async def command(self, line: bytes) -> Reply:
        self.write(line)
        await self._drain()
        return await self.read_reply()

    async def _drain(self) -> None:
        transport = self.writer.transport
        if transport.get_write_buffer_size() <= 1 << 16:
            return                  # nothing to wait for: skip the await
        try:
            self._waiting = True
            await self.writer.drain()
            self._seen = True
        except (OSError, ssl.SSLError) as e:
            why = "timed out" if self._timed_out else _why(e)
            raise SmtpTemporary(f"lost the connection to {self.cfg.host}: {why}") from e
        finally:
            self._waiting = False

    # -- sending -------------------------------------------------------------------
    async def send_batch(self, batch: Sequence[Envelope], on_result: OnResult,
                         before: Callable[[], Awaitable[None]] | None = None) -> int:
        """Send each envelope; call ``on_result(index, reply)`` for each, in order.

        Returns how many were attempted. When the connection fails the exception is
        raised after ``on_result(i, LOST)`` for the message in flight (it may have
        arrived); envelopes from ``i + 1`` on were not attempted. *before* is awaited
        before each message's commands (the rate limiter).
        """
        pipelining = "pipelining" in self.extensions
        size = "size" in self.extensions
        n = len(batch)
        on_result = _stopping(on_result)
        reported = 0          # messages whose outcome went to on_result
        ahead = False         # the next message's commands went out with the last dot
        try:
            while reported < n:
                env = batch[reported]
                if ahead:
                    replies = await self.read_replies(3)
                else:
                    if before:
                        await before()
                    replies = await self._envelope(env, pipelining, size)
                ahead = False
                if replies[2].code == 354:
                    tail = b""
                    if pipelining and reported + 1 < n:
                        if before:
                            await before()
                        tail = _commands(batch[reported + 1], size)
                    self.write(stuff(env.data) + tail)
                    await self._drain()
                    ahead = bool(tail)
                    final = await self.read_reply()
                    bad = next((r for r in replies[:2] if not r.ok), None)
                    reported += 1
                    await on_result(reported - 1, bad or final)
                    if final.code == 421:
                        raise SmtpTemporary(f"{self.cfg.host} closed the session: {final}",
                                            final)
                else:
                    bad = next((r for r in replies if not r.ok), replies[2])
                    reported += 1
                    await on_result(reported - 1, bad)
                    if any(r.code == 421 for r in replies):
                        raise SmtpTemporary(f"{self.cfg.host} closed the session: {bad}", bad)
                    reset = await self.command(b"RSET\r\n")
                    if not reset.ok:
                        raise _session_error("RSET", reset)
        except _Stop as stop:       # on_result asked to stop: nothing else is in flight
            raise stop.error from None
        except SmtpError:
            # the message being sent may or may not have arrived: it is retried
            if reported < n:
                reported += 1
                await on_result(reported - 1, LOST)
            raise
        return reported

    async def _envelope(self, env: Envelope, pipelining: bool, size: bool) -> list[Reply]:
        """MAIL, RCPT and DATA for one message: in one write, or one by one without PIPELINING."""
        if pipelining:
            self.write(_commands(env, size))
            await self._drain()
            return await self.read_replies(3)
        replies = []
        for line in _commands(env, size).split(b"\r\n")[:3]:
            replies.append(await self.command(line + b"\r\n"))
        return replies

    async def quit(self) -> None:
        """Say QUIT and close; errors on the way out do not matter."""
        try:
            self.write(b"QUIT\r\n")
            async with asyncio.timeout(2):
                await self.writer.drain()
                await self.reader.readuntil(b"\n")
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        self.abort()

    def abort(self) -> None:
        self._watchdog.cancel()
        with contextlib.suppress(OSError, RuntimeError):
            self.writer.close()


class _Stop(Exception):
    """An SmtpError raised by the caller's on_result: stop without reporting another message."""

    def __init__(self, error: SmtpError) -> None:
        self.error = error


def _stopping(on_result: OnResult) -> OnResult:
    async def wrapped(index: int, reply: Reply) -> None:
        try:
            await on_result(index, reply)
        except SmtpError as e:
            raise _Stop(e) from e
    return wrapped


def _session_error(what: str, reply: Reply) -> SmtpError:
    if reply.throttle:
        return SmtpThrottled(f"the relay asks us to slow down ({what}): {reply}", reply)
    if reply.code >= 500:
        return SmtpPermanent(f"the relay refused {what}: {reply}", reply)
    return SmtpTemporary(f"the relay refused {what} for now: {reply}", reply)


def _why(e: BaseException) -> str:
    if isinstance(e, TimeoutError):
        return "timed out"
    return str(e) or type(e).__name__
