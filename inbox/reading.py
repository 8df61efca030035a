"""What the person wrote, flattened, and its scores against each intent's table.

``read(p)`` gives a ``Reading``: the subject (unless it is ours) and the new text,
flattened, with every table scored the first time it is asked for and the reasons kept.
A wish not to join is blanked out before the join table reads the text.
"""

from __future__ import annotations

import re

from inbox import commitment
from inbox import signals as sig
from inbox.parse import Parsed
from inbox.rules import bare_subject, flatten, score
from inbox.scots import plain_scots

CONFIRM_SUBJECT = re.compile(r"\bplease confirm\b.{0,40}\bmembership\b|\bconfirm (?:your|my)"
                             r" (?:membership|commitment)\b", re.I)
class _Scores(dict[str, float]):
    """Each table is scored the first time its intent is asked for."""

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self._reading = reading

    def __missing__(self, name: str) -> float:
        r = self._reading
        text = sig.without_not_joining(r.text) if name == "join" else r.text
        value, r._why[name] = score(_TABLES[name], text)
        self[name] = value
        return value


class _Why(dict[str, list[str]]):
    def __init__(self, scores: _Scores) -> None:
        super().__init__()
        self._scores = scores

    def __missing__(self, name: str) -> list[str]:
        self._scores[name]  # noqa: B018 -- scoring fills in the reasons
        return self[name]


class Reading:
    """What the person wrote, flattened, and its scores (each computed on first use)."""

    def __init__(self, subject: str, body: str, full_subject: str = "") -> None:
        self.subject = subject  # flattened subject for intent rules ("" when it is ours)
        self.body = body  # flattened new text
        self.full_subject = full_subject  # flattened subject, always
        # one text, subject line first: the rules' ^ and $ (multi-line) anchor at either
        self.text = f"{subject}\n{body}" if subject else body
        self.scores = _Scores(self)
        self._why = _Why(self.scores)
        self._neg: float | None = None
        self._assent: float | None = None

    @property
    def why(self) -> dict[str, list[str]]:
        """The reasons behind each score."""
        return self._why

    def complete(self) -> dict[str, float]:
        """Every table's score (for choosing the closest intent)."""
        for name in _TABLES:
            self.scores[name]  # noqa: B018 -- computes and caches
        return self.scores

    @property
    def commit_neg(self) -> float:
        """How surely the text makes a commitment partial, conditional or refused."""
        if self._neg is None:
            self._neg, self._why["not_commit"] = score(commitment.NOT_COMMIT, self.body)
        return self._neg

    @property
    def assent(self) -> float:
        """How surely the text says yes (for replies to the confirmation mail)."""
        if self._assent is None:
            self._assent, _ = score(commitment.ASSENT, self.body)
        return self._assent

    @property
    def explicit_commit(self) -> bool:
        return self.scores["commit"] >= 0.75 and self.commit_neg < 0.5

    def top(self, *names: str) -> float:
        return max(self.scores[n] for n in names)


_TABLES = {"join": sig.JOIN, "commit": commitment.COMMIT, "leave": sig.LEAVE, "erase": sig.ERASE,
           "move": sig.MOVE, "status": sig.STATUS, "help": sig.HELP, "org": sig.ORG}


def read(p: Parsed) -> Reading:
    """The flattened subject (unless it is ours) and new text; scores follow on demand."""
    ours_subject = p.reply_to_ours is not None or bool(CONFIRM_SUBJECT.search(p.subject))
    full = plain_scots(flatten(bare_subject(p.subject)))
    return Reading("" if ours_subject else full,
                   commitment.plain_litotes(plain_scots(flatten(p.new[:6000]))), full)
