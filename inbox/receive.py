"""The optional SMTP/LMTP receiver: a second inbound path for deployments with their own domain.

A local MTA (Postfix, Exim) hands the network's mail to ftm over LMTP (or SMTP) on a
loopback port. The receiver accepts RCPT only for the network's own address and its
sub-addresses (``network+confirm-TOKEN@...``), refuses mail over the size limit,
prepends one ``Delivered-To:`` per accepted recipient (as a local delivery agent and
Gmail do, so the classifier sees the envelope recipient), calls the processor once per
message, and answers:

- ``250`` once the processor has committed (LMTP: one reply per recipient);
- ``451 4.3.0`` when the store is busy or unavailable, or processing crashed, so the
  sending MTA keeps the message and retries (nothing is lost);
- ``550 5.1.1`` for a recipient that is not ours, ``552`` for oversized mail.

Recipient addresses carry tokens, so they never reach the log.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from inbox.handling import log_outcome, message_id_of, store_unavailable
from inbox.outcome import Processor

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReceiverConfig:
    """Where the receiver listens and whose mail it takes; ftm builds it from settings."""

    address: str  # the network's own address
    delimiter: str = "+"
    host: str = "127.0.0.1"
    port: int = 2525
    protocol: str = "lmtp"  # lmtp | smtp
    max_message_bytes: int = 10_000_000

    @property
    def lmtp(self) -> bool:
        return self.protocol == "lmtp"


def is_own_address(address: str, own: str, delimiter: str) -> bool:
    """True for *own* and its sub-addresses (``own-local`` + *delimiter* + anything).

    >>> is_own_address("Network+confirm-abc@Example.org", "network@example.org", "+")
    True
    """
    if any(c.isspace() or ord(c) < 32 for c in address) or address.count("@") != 1:
        return False
    local, domain = address.lower().split("@")
    own_local, own_domain = own.lower().rsplit("@", 1)
    return domain == own_domain and (local == own_local
                                     or local.startswith(own_local + delimiter))


def with_delivered_to(raw: bytes, recipients: list[str]) -> bytes:
    """*raw* with one ``Delivered-To:`` line per envelope recipient on top."""
    return b"".join(f"Delivered-To: {r}\r\n".encode() for r in recipients) + raw


class InboundHandler:
    """aiosmtpd handler: own recipients only, one processor call per message."""

    def __init__(self, config: ReceiverConfig, processor: Processor,
                 executor: ThreadPoolExecutor) -> None:
        self.config = config
        self.processor = processor
        self.executor = executor
        self.closing = False
        self.handled = 0

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if not is_own_address(address, self.config.address, self.config.delimiter):
            domain = address.rpartition("@")[2][:100]
            log.info("receiver: refused a recipient at %r: not one of ours", domain)
            return "550 5.1.1 Not a mailbox of this network"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        rcpts = list(envelope.rcpt_tos)
        raw = envelope.original_content or b""
        if len(raw) > self.config.max_message_bytes:
            return self._reply("552 5.3.4 Message too big for this network", len(rcpts))
        if self.closing:
            return self._reply("451 4.3.2 Shutting down; try again later", len(rcpts))
        raw = with_delivered_to(raw, rcpts)
        via = self.config.protocol
        try:
            future = self.executor.submit(self.processor, raw, via)
        except RuntimeError:  # the executor has shut down: we are stopping
            return self._reply("451 4.3.2 Shutting down; try again later", len(rcpts))
        try:
            outcome = await asyncio.wrap_future(future)
        except Exception as e:
            if store_unavailable(e):
                log.warning("%s store unavailable (%s); answered 451 so the sender retries",
                            message_id_of(raw), e)
                return self._reply("451 4.3.0 Temporarily unable to store mail; try again "
                                   "later", len(rcpts))
            log.error("%s processing crashed (%s: %s); answered 451 so the sender retries",
                      message_id_of(raw), type(e).__name__, e, exc_info=True)
            return self._reply("451 4.3.0 Temporarily unable to process mail; try again "
                               "later", len(rcpts))
        log_outcome(outcome, via)
        self.handled += 1
        return self._reply("250 2.0.0 OK", len(rcpts))

    def _reply(self, status: str, recipients: int) -> str:
        if self.config.lmtp:
            return "\r\n".join([status] * max(1, recipients))
        return status


class _Lmtp(LMTP):
    """LMTP that answers a refused DATA (too big, line too long) once per recipient."""

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else str(status)
        n = len(self.envelope.rcpt_tos) if self.envelope is not None else 0
        if n > 1 and "\r\n" not in text and text.startswith(("552 ", "500 Line too long")):
            text = "\r\n".join([text] * n)
        await super().push(text)


class _Controller(Controller):
    def __init__(self, handler: InboundHandler, lmtp: bool, **kwargs: Any) -> None:
        self._lmtp = lmtp
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        cls = _Lmtp if self._lmtp else SMTP
        return cls(self.handler, **self.SMTP_kwargs)


class Receiver:
    """The receiver's lifecycle: ``start``/``stop``, or ``run_forever(stop)`` in a thread."""

    def __init__(self, config: ReceiverConfig, processor: Processor) -> None:
        self.config = config
        # one worker: messages are processed one at a time, in arrival order
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ftm-receive")
        self.handler = InboundHandler(config, processor, self.executor)
        self.controller = _Controller(
            self.handler, config.lmtp, hostname=config.host, port=config.port,
            server_hostname=config.address.rsplit("@", 1)[1], ready_timeout=10,
            data_size_limit=config.max_message_bytes, enable_SMTPUTF8=True)
        self.beat = time.monotonic()

    def start(self) -> None:
        self.controller.start()
        log.info("receiver: %s on %s:%d", self.config.protocol.upper(), self.config.host,
                 self.config.port)

    def stop(self) -> None:
        """Refuse new mail with 451, finish the message in hand, then close the port."""
        self.handler.closing = True
        self.executor.shutdown(wait=True)
        self.controller.stop()

    def alive(self, timeout: float = 5.0) -> bool:
        """True when the receiver's event loop answers within *timeout* seconds."""
        async def ping() -> bool:
            return True

        try:
            fut = asyncio.run_coroutine_threadsafe(ping(), self.controller.loop)
            return fut.result(timeout=timeout)
        except Exception:
            return False

    def run_forever(self, stop: threading.Event) -> None:
        self.start()
        try:
            while not stop.wait(1.0):
                if self.alive():
                    self.beat = time.monotonic()
        finally:
            self.stop()
