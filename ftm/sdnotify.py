"""systemd's notify protocol in a few lines: READY, WATCHDOG, STATUS, STOPPING over $NOTIFY_SOCKET.

Outside systemd (no ``NOTIFY_SOCKET``) every call is a no-op, so the daemon runs the
same way in a terminal, in tests and under ``Type=notify``.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Sends ``KEY=value`` lines to the service manager, if there is one."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        path = env.get("NOTIFY_SOCKET", "")
        # "@name" is an abstract socket: a leading NUL byte on the wire
        self.address = "\0" + path[1:] if path.startswith("@") else path
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        self.watchdog_seconds: float | None = (int(usec) / 1_000_000
                                               if usec.isdigit() and int(usec) and mine
                                               else None)
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def send(self, *fields: str) -> bool:
        """Send ``fields`` (e.g. ``"READY=1"``, ``"STATUS=..."``) as one datagram."""
        if not self.address:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sock.sendto("\n".join(fields).encode(), self.address)
            return True
        except OSError as e:
            log.debug("sd_notify to %r failed: %s", self.address, e)
            return False

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
