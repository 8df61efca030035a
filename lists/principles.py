"""The twelve founding principles: read from the deployment's file, named by a hash of the text.

A consent record stores the version hash, so what a member committed to can always be
shown, even after the text changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_ITEM = re.compile(r"^\s*(\d{1,2})[.)]\s+(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Principles:
    items: tuple[str, ...]
    version: str  # "sha256:<first 16 hex>" of the normalised item texts

    def numbered(self) -> list[str]:
        return [f"{i}. {t}" for i, t in enumerate(self.items, 1)]


class PrinciplesError(ValueError):
    """The principles file does not hold a numbered list."""


def parse_principles(text: str) -> Principles:
    """The numbered items of a principles file (``1. ...`` lines; continuation lines join).

    >>> parse_principles("# Title\\n1. One.\\n2. Two\\n   more.\\n").items
    ('One.', 'Two more.')
    """
    items: list[str] = []
    for line in text.splitlines():
        m = _ITEM.match(line)
        if m:
            items.append(m.group(2))
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] = f"{items[-1]} {line.strip()}"
        elif items and not line.strip():
            continue
    if not items:
        raise PrinciplesError("no numbered principles found (expected lines like '1. ...')")
    normalised = "\n".join(" ".join(t.split()) for t in items)
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
    return Principles(tuple(items), f"sha256:{digest}")
