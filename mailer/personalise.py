"""Render a bulk send's template once, then fill in each recipient's few personal parts.

Jinja renders fast, but a bulletin to 100,000 people needs per-recipient work to be
tiny. A ``Skeleton`` renders the template with *placeholders* for the personal
values (name, address, unsubscribe mailto and URL) and splits the output around
them; ``fill()`` then only joins strings.

That is only right when the template copies the personal values as they are. So
each shape is rendered twice, with two different placeholder sets that contain
spaces, capitals, ``& < > " '`` and a non-ASCII letter; if swapping one set for
the other in the first rendering does not give exactly the second (the template
filtered a value, or branched on it beyond "is there a name"), the skeleton falls
back to a full render per recipient. Recipients with and without a name are two
shapes, so ``{% if recipient.name %}`` works.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import escape

from mailer.mime import Body, encode, qp
from mailer.render import Rendered

FIELDS = ("name", "address", "mailto", "url")


def _placeholders(tag: str) -> dict[str, str]:
    salt = secrets.token_hex(4)
    return {f: f"Zq{tag}{f}{salt} & <é> \"'Qz" for f in FIELDS}


@dataclass(frozen=True, slots=True)
class _Split:
    """A rendered string cut around placeholders: literal parts and the field of each gap."""

    parts: tuple[str, ...]
    slots: tuple[tuple[int, str], ...]

    def fill(self, values: Mapping[str, str]) -> str:
        if not self.slots:
            return self.parts[0]
        out = list(self.parts)
        for i, f in self.slots:
            out[i] = values[f]
        return "".join(out)


def _split(text: str, marks: Mapping[str, str]) -> _Split:
    by_mark = {m: f for f, m in marks.items()}
    pattern = re.compile("|".join(re.escape(m) for m in sorted(by_mark, key=len, reverse=True)))
    parts: list[str] = []
    slots: list[tuple[int, str]] = []
    pos = 0
    for m in pattern.finditer(text):
        parts.append(text[pos:m.start()])
        slots.append((len(parts), by_mark[m.group()]))
        parts.append("")
        pos = m.end()
    parts.append(text[pos:])
    return _Split(tuple(parts), tuple(slots))


class _EncodedBody:
    """A body whose lines without personal parts are quoted-printable encoded once.

    Quoted-printable encodes each line on its own, so constant lines keep their
    encoding and only the lines with a gap are encoded per recipient.
    """

    def __init__(self, text: str, marks: Mapping[str, str]) -> None:
        lines = text.split("\n")
        chunks = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        self.segments: list[bytes | _Split] = []
        const: list[str] = []
        for chunk in chunks:
            if any(m in chunk for m in marks.values()):
                if const:
                    self.segments.append(qp("".join(const)))
                    const = []
                self.segments.append(_split(chunk, marks))
            else:
                const.append(chunk)
        if const:
            self.segments.append(qp("".join(const)))

    def fill(self, values: Mapping[str, str]) -> bytes:
        return b"".join(seg if isinstance(seg, bytes) else qp(seg.fill(values))
                        for seg in self.segments)


@dataclass(frozen=True, slots=True)
class _Shape:
    subject: _Split
    text: _EncodedBody
    html: _EncodedBody | None


Render = Callable[[Mapping[str, str]], Rendered]


class Skeleton:
    """Per-recipient rendering for one send: fast when the template allows, exact always.

    *render* renders the template for a dict of personal values (keys ``FIELDS``).
    """

    def __init__(self, render: Render, has_url: bool) -> None:
        self._render = render
        self._has_url = has_url
        self._shapes: dict[bool, _Shape | None] = {}
        self.fast = True

    def _shape(self, named: bool) -> _Shape | None:
        if named in self._shapes:
            return self._shapes[named]
        a, b = _placeholders("A"), _placeholders("B")
        for marks in (a, b):
            if not named:
                marks["name"] = ""
            if not self._has_url:
                marks["url"] = ""
        ra, rb = self._render(a), self._render(b)
        shape: _Shape | None = None
        live_a = {f: m for f, m in a.items() if m}
        live_b = {f: m for f, m in b.items() if m}
        esc_a = {f: _esc(m) for f, m in live_a.items()}
        subject, text = _split(ra.subject, live_a), _split(ra.text, live_a)
        html_split = _split(ra.html, esc_a) if ra.html is not None else None
        ok = (subject.fill(live_b) == rb.subject and text.fill(live_b) == rb.text
              and (html_split is None) == (rb.html is None)
              and (html_split is None or html_split.fill(
                  {f: _esc(m) for f, m in live_b.items()}) == rb.html))
        if ok and not _leftover(subject, text, html_split):
            shape = _Shape(subject, _EncodedBody(ra.text, live_a),
                           _EncodedBody(ra.html, esc_a) if ra.html is not None else None)
        self._shapes[named] = shape
        if shape is None:
            self.fast = False
        return shape

    def fill(self, name: str, address: str, mailto: str, url: str) -> Body:
        """The encoded subject and bodies for one recipient."""
        values = {"name": name, "address": address, "mailto": mailto, "url": url}
        shape = self._shape(bool(name))
        if shape is None:
            r = self._render(values)
            return encode(r.subject, r.text, r.html)
        subject = shape.subject.fill(values)
        if shape.subject.slots:
            subject = " ".join(subject.split())
        html_body = None
        if shape.html is not None:
            html_body = shape.html.fill({f: _esc(v) for f, v in values.items()})
        return Body(subject, shape.text.fill(values), html_body)

    def render(self, name: str, address: str, mailto: str, url: str) -> Rendered:
        """The full rendering for one recipient (for previews)."""
        return self._render({"name": name, "address": address, "mailto": mailto, "url": url})


def _esc(value: str) -> str:
    """Escape as Jinja's autoescape does (markupsafe), so placeholders match exactly."""
    return str(escape(value))


def _leftover(*splits: _Split | None) -> bool:
    """True when a placeholder survived in a transformed form (e.g. upper-cased)."""
    for s in splits:
        if s is None:
            continue
        for part in s.parts:
            low = part.lower()
            if "zqa" in low and "qz" in low:
                return True
    return False

