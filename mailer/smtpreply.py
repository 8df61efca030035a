"""The relay's answers: the ``Reply`` value, what it means, and the SMTP error tree.

Errors of sockets, TLS and timeouts are mapped in ``mailer.smtp``, in one place, to::

    SmtpError                 the relay cannot be used right now
    ├── SmtpTemporary         try again later (4xx for the session, timeout, lost line)
    │   └── SmtpThrottled     the relay asks us to slow down (too many logins, rate)
    └── SmtpPermanent         a 5xx for the whole session (e.g. MAIL FROM refused)
        └── SmtpAuthFailed    the relay refused our login: fix the credentials
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# answers that are about us and the relay, not about one recipient (a full mailbox is
# "over quota" too, so words alone are not enough: the enhanced status code decides first)
THROTTLE = re.compile(r"too many (login|connection|message|recipient)s|rate.?limit|"
                      r"sending (limit|quota)|slow down", re.IGNORECASE)
_THROTTLE_CODES = ("4.7.0", "5.4.5", "4.7.28", "4.3.2")


class SmtpError(Exception):
    """The relay cannot be used right now; ``reply`` holds its answer when it gave one."""

    def __init__(self, message: str, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply


class SmtpTemporary(SmtpError):
    """Try again later: a 4xx for the session, a timeout or a lost connection."""


class SmtpThrottled(SmtpTemporary):
    """The relay asks us to slow down ("too many login attempts", a rate or quota limit)."""


class SmtpPermanent(SmtpError):
    """A 5xx for the whole session."""


class SmtpAuthFailed(SmtpPermanent):
    """The relay refused our login."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One SMTP reply; ``code`` 0 means none came (the connection was lost first)."""

    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.text}" if self.code else self.text

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 400

    @property
    def throttle(self) -> bool:
        """The relay wants us to slow down (not a problem with this recipient)."""
        if self.code < 400:
            return False
        status = self.text.split(" ", 1)[0]
        if status in _THROTTLE_CODES or self.code == 454:
            return True
        if status[:4] in ("4.2.", "5.2.", "5.1.", "4.1."):   # mailbox or address problems
            return False
        return bool(THROTTLE.search(self.text))


LOST = Reply(0, "connection lost before the relay answered")

