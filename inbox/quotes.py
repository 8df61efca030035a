"""Separate what a person newly wrote from quoted replies, forwarded mail and signatures.

Handles the shapes real clients write: ``>`` quoting (top-, bottom- and inline-posted),
attribution lines ("On ... wrote:" and its equivalents in other languages, also when a
client wraps it over two or three lines), Outlook's ``From: ... Sent: ...`` blocks and
``-----Original Message-----``, forwarded-message banners, the ``-- `` signature
delimiter and mobile sign-offs ("Sent from my iPhone", "Get Outlook for Android").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Split:
    """The new text, the quoted/forwarded text, the signature, and whether mail was forwarded."""

    new: str
    quoted: str
    signature: str
    forwarded: bool


# "On <date>, <name> wrote:" in the languages members write in, as one (possibly joined) line.
_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"on\b.{4,250}\bwrote\s*:?"                      # English (Gmail, Apple Mail, Thunderbird)
    r"|[^>].{0,120}(?:@|\d).{0,120}\bwrote\s*:"         # "Name <addr> wrote:"
    r"|am\b.{4,250}\bschrieb\b.{0,120}:"              # German
    r"|le\b.{4,250}\ba\s+[ée]crit\s*:"                # French
    r"|el\b.{4,250}\bescribi[óo]\s*:"                 # Spanish
    r"|em\b.{4,250}\bescreveu\s*:"                    # Portuguese
    r"|il\b.{4,250}\bha\s+scritto\s*:"                # Italian
    r"|op\b.{4,250}\bschreef\b.{0,120}:"              # Dutch
    r"|w\s+dniu\b.{4,250}\bnapisa[łl]\w*\s*:?"       # Polish
    r"|den\b.{4,250}\bskrev\b.{0,120}:"               # Swedish, Danish, Norwegian
    r"|ar\b.{4,250}\bysgrifennodd\b.{0,120}:"         # Welsh
    r")\s*$", re.I)
_ATTRIBUTION_START = re.compile(r"^\s*(?:on|am|le|el|em|il|op|w dniu|den|ar)\b", re.I)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:original\s+message|urspr[üu]ngliche\s+nachricht|message\s+d'origine"
    r"|mensaje\s+original|messaggio\s+originale|oorspronkelijk\s+bericht)\s*-{2,}"
    r"|_{8,}|-{8,})\s*$", re.I)
# A failure notice's copy of the returned message (qmail, Exim, Postfix, Sendmail shapes).
_RETURNED = re.compile(
    r"^\s*-*\s*(?:below this line is a copy of the message|this is a copy of the message"
    r"|the (?:header|headers) of the original message (?:is|are) following|original message"
    r" follows|returned message follows|a copy of the original message below"
    r"|undelivered message (?:headers )?follow)", re.I)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded|weitergeleitete|mensaje\s+reenviado|message\s+transf[ée]r[ée]"
    r"|messaggio\s+inoltrato|doorgestuurd)[\w\s]*-{2,}|begin\s+forwarded\s+message\s*:"
    r"|-{2,}\s*forwarded\s+message\s*-{2,})\s*$", re.I)
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|van|od|fra|från|oddi wrth)\s*\*?\s*:\s*\S", re.I)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|enviado"
    r"|para|asunto|verzonden|aan|onderwerp|wys[łl]ano|do|temat)\s*\*?\s*:", re.I)
_SIGNATURE = re.compile(
    r"^\s*(?:--|—|__)\s*$"
    r"|^\s*(?:sent\s+(?:from|with|via)\s+(?:my\s+)?"
    r"(?:i\s?phone|i\s?pad|android|samsung|galaxy|mobile|blackberry|huawei|pixel|phone"
    r"|outlook|mail\s+for\s+windows|yahoo\s+mail|aol|proton\s*mail|gmail)\b"
    r"|get\s+outlook\s+for\s+(?:ios|android)"
    r"|envoy[ée]\s+de\s+mon\s+\w+|von\s+meinem\s+\w+\s+gesendet|enviado\s+desde\s+mi\s+\w+"
    r"|verzonden\s+vanaf\s+mijn\s+\w+|wys[łl]ane\s+z\s+mojego\s+\w+|inviato\s+da\s+\w+)", re.I)


# Words every attribution contains: lines without one are never run through the regex.
_ATTRIBUTION_WORDS = ("wrote", "schrieb", "crit", "escribi", "escreveu", "scritto", "schreef",
                      "napisa", "skrev", "ysgrifennodd")


def _has_attribution_word(low: str) -> bool:
    return any(w in low for w in _ATTRIBUTION_WORDS)


# Text without any of these holds no quote, forward or returned copy (a few fast checks).
_QUOTE_HINTS = ("wrote", "schrieb", "crit", "escribi", "escreveu", "scritto", "schreef",
                "napisa", "skrev", "ysgrifennodd", "from:", "von:", "de :", "de:", "van:", "od:",
                "fra:", "från:", "forward", "message", "follow", "\n>", "\n-", "\n_", "\n *")


def _maybe_quoted(text: str) -> bool:
    low = text.lower()
    return text.lstrip()[:1] in (">", "-", "_") or any(h in low for h in _QUOTE_HINTS)


_ATTRIBUTION_HEADS = frozenset({"on", "am", "le", "el", "em", "il", "op", "w ", "de", "ar"})


def _attribution_at(lines: list[str], i: int, low: str) -> int:
    """How many lines the attribution starting at line *i* spans (0: none there)."""
    line = lines[i]
    if len(line) > 400:
        return 0
    if _has_attribution_word(low):
        return 1 if _ATTRIBUTION.match(line) else 0
    if low.lstrip()[:2] not in _ATTRIBUTION_HEADS or not _ATTRIBUTION_START.search(line):
        return 0
    joined = line
    for extra in (1, 2):
        if i + extra >= len(lines) or not lines[i + extra].strip():
            break
        joined = joined.rstrip() + " " + lines[i + extra].strip()
        if _has_attribution_word(joined.lower()) and _ATTRIBUTION.match(joined):
            return extra + 1
    return 0


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style ``From: ... Sent: ... To: ... Subject:`` block starts at line *i*."""
    if not _HEADER_FROM.match(lines[i]):
        return False
    following = [ln for ln in lines[i + 1:i + 6] if ln.strip()]
    return sum(1 for ln in following if _HEADER_NEXT.match(ln)) >= 2


def _boundary(lines: list[str]) -> tuple[int, int, str]:
    """(index, span, kind) of the first quote boundary; kind is attribution|block|forward."""
    for i, line in enumerate(lines):
        head = line.lstrip()[:1]
        if not head or head == ">":
            continue
        low = line.lower()
        if (head in "-_" or "forward" in low) and _FORWARD.match(line):
            return i, 1, "forward"
        if ("message" in low or "follow" in low) and _RETURNED.match(line):
            return i, 1, "block"
        if head in "-_" and _SEPARATOR.match(line):
            nxt = next((ln for ln in lines[i + 1:i + 4] if ln.strip()), "")
            if "original" in low or _HEADER_FROM.match(nxt):
                return i, 1, "block"
        span = _attribution_at(lines, i, low)
        if span:
            return i, span, "attribution"
        if ":" in line and _header_block_at(lines, i):
            return i, 1, "block"
    return -1, 0, ""


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def split(text: str) -> Split:
    """Split decoded body text into new text, quoted text and signature.

    >>> split("Yes!\\n\\nOn Tue, 18 Mar 2025 at 07:37, Us <u@x> wrote:\\n> Hello").new
    'Yes!'
    """
    lines = text.split("\n")
    if not _maybe_quoted(text):  # nothing that can start a quote: all new
        new_text, signature = _cut_signature(lines)
        return Split(new=new_text, quoted="", signature=signature, forwarded=False)
    idx, span, kind = _boundary(lines)
    new: list[str] = []
    quoted: list[str] = []
    if idx < 0:
        for line in lines:
            (quoted if _is_quoted(line) else new).append(line)
    else:
        for line in lines[:idx]:
            (quoted if _is_quoted(line) else new).append(line)
        tail = lines[idx + span:]
        first = next((ln for ln in tail if ln.strip()), "")
        if kind == "attribution" and _is_quoted(first):
            # ">" quoting: unquoted lines after the quote are bottom- or inline-posted text,
            # up to the next attribution or Outlook block (an older message in the thread).
            quoted.extend(lines[idx:idx + span])
            rest_idx, _, _ = _boundary(tail)
            body = tail if rest_idx < 0 else tail[:rest_idx]
            for line in body:
                (quoted if _is_quoted(line) else new).append(line)
            if rest_idx >= 0:
                quoted.extend(tail[rest_idx:])
        else:
            quoted.extend(lines[idx:])
    new_text, signature = _cut_signature(new)
    return Split(new=new_text, quoted="\n".join(quoted).strip(), signature=signature,
                 forwarded=kind == "forward")


def _cut_signature(lines: list[str]) -> tuple[str, str]:
    """(text above the signature, the signature) -- the first delimiter or mobile sign-off."""
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line):
            return "\n".join(lines[:i]).strip(), "\n".join(lines[i:]).strip()
    return "\n".join(lines).strip(), ""
