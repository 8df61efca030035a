"""Email addresses checked as ftm reads them: by email-validator's rules, never by DNS.

``valid_address(text)`` is the address normalised, or None; ``check_address(text)``
the same, or ``InvalidAddress`` whose ``reason`` a volunteer can act on. The everyday
shape (an ASCII dot-atom at an ordinary domain) is recognised by a pattern first,
since email-validator would return it unchanged; anything else, and any special-use
domain (``.test``, ``.local``, ...), goes to email-validator itself.

Exceptions::

    InvalidAddress (ValueError)   .reason is one sentence a volunteer understands
"""

from __future__ import annotations

import re

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

# Plain ASCII addresses that email-validator accepts unchanged: checked without calling it.
_PLAIN = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@(?:(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_SPECIAL = tuple(SPECIAL_USE_DOMAIN_NAMES)


class InvalidAddress(ValueError):
    """Not a usable email address; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


def check_address(addr: str) -> str:
    """The address normalised by email-validator (no DNS); else ``InvalidAddress``.

    ``check_address("Ann@Example.ORG")`` -> ``"Ann@example.org"`` (the domain is
    lower-cased, the local part kept as written).
    """
    if not addr:
        raise InvalidAddress(addr, "there is no address")
    if len(addr) > 320:
        raise InvalidAddress(addr, "it is too long to be an address")
    local, _, domain = addr.rpartition("@")
    if (len(local) <= 64 and len(addr) <= 254 and _PLAIN.fullmatch(addr)
            and not any(domain == d or domain.endswith("." + d) for d in _SPECIAL)):
        return addr
    try:
        return validate_email(addr, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise InvalidAddress(addr, str(e)) from None
    except Exception:  # odd unicode the validator trips on counts as invalid
        raise InvalidAddress(addr, "it holds characters an address cannot have") from None


def valid_address(addr: str) -> str | None:
    """The address normalised by email-validator (no DNS), or None when it is not valid."""
    try:
        return check_address(addr)
    except InvalidAddress:
        return None
