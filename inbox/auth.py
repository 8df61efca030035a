"""The DKIM verdict our own mail provider recorded in Authentication-Results (RFC 8601).

Only a header whose authserv-id is the configured one counts: anyone can write an
Authentication-Results header into a message, but the receiving provider adds its own
on top (and removes look-alikes). The topmost trusted header wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*dkim\s*=\s*([a-z]+)\b(.*)$", re.I | re.S)
_PROP = re.compile(r"\bheader\.([di])\s*=\s*\"?@?([^\s;\"]+)", re.I)


@dataclass(frozen=True, slots=True)
class Dkim:
    """``result`` is pass, fail, none, neutral, policy, temperror or permerror."""

    result: str
    domain: str
    aligned: bool  # the signing domain is the From domain or a parent of it

    def to_json(self) -> dict[str, object]:
        return {"result": self.result, "domain": self.domain, "aligned": self.aligned}


def dkim_verdict(headers: tuple[str, ...], authserv_id: str, from_addr: str) -> Dkim | None:
    """The DKIM result from the first Authentication-Results header of *authserv_id*.

    With several DKIM results in that header, a pass aligned with the From domain wins.
    None when no trusted header says anything about DKIM (or *authserv_id* is empty).
    """
    if not authserv_id:
        return None
    from_domain = from_addr.rpartition("@")[2].lower()
    for value in headers:
        text = value
        for _ in range(3):  # comments can nest a little
            text = _COMMENT.sub(" ", text)
        parts = text.split(";")
        issuer = parts[0].split()
        if not issuer or issuer[0].lower() != authserv_id.lower():
            continue
        verdicts = []
        for part in parts[1:]:
            m = _RESULT.match(part)
            if not m:
                continue
            props = {k.lower(): v.lower().strip(".") for k, v in _PROP.findall(m.group(2))}
            domain = props.get("d") or props.get("i", "").rpartition("@")[2]
            aligned = bool(domain) and (from_domain == domain
                                        or from_domain.endswith("." + domain))
            verdicts.append(Dkim(m.group(1).lower(), domain, aligned))
        if verdicts:
            best = [v for v in verdicts if v.result == "pass" and v.aligned]
            return best[0] if best else verdicts[0]
        return None
    return None
