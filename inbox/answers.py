"""Short answers people write to the hub lists: approve or reject, going, digest or each message.

Pure functions of the new text (quotes and signature already cut). Each one errs on
the side of "not sure" (None): an unclear answer to an approval mail is asked again,
never taken as a yes, because a yes may start a send to thousands of people.
"""

from __future__ import annotations

import re

_HEAD = 400  # an answer is at the top; a long mail that mentions "approve" later is not one

_REJECT = re.compile(r"\b(?:reject(?:ed)?|decline[d]?|refuse[d]?|deny|denied|do not approve"
                     r"|don'?t approve|not approved?)\b")
_APPROVE = re.compile(r"\b(?:approve[ds]?|approval given|yes|ok|okay|send it|go ahead"
                      r"|confirm(?:ed)?|agreed?|accept(?:ed)?|fine|looks good)\b|👍")
_HESITATE = re.compile(r"\b(?:no|not|don'?t|do not|wait|hold|stop|cancel|typo|mistake|wrong"
                       r"|change|fix|later|tomorrow|but)\b|\?")


def _head(text: str) -> str:
    return " ".join(text[:_HEAD].lower().replace("’", "'").split())


def approval_answer(text: str) -> str | None:
    """``"approve"``, ``"reject"`` or None (unclear: ask again) for a reply to an approval mail.

    >>> approval_answer("Approved, thanks"), approval_answer("Reject"), approval_answer("wait")
    ('approve', 'reject', None)
    """
    head = _head(text)
    rest = _REJECT.sub(" ", head)
    rejects, approves = bool(_REJECT.search(head)), bool(_APPROVE.search(rest))
    if rejects:
        return None if approves and not head.startswith(("reject", "decline")) else "reject"
    if approves and not _HESITATE.search(rest):
        return "approve"
    return None


_CANCEL = re.compile(r"\b(?:cancel(?:l?ed|ling)?|call(?:ed|ing)? (?:it |this |the \w+ )?off"
                     r"|postpone[ds]?|not (?:going ahead|happening)|won'?t go ahead)\b")
_KEEP = re.compile(r"\b(?:don'?t|do not|no need to|not|never|isn'?t|wasn'?t|won'?t be|nothing)"
                   r"\s+(?:\w+\s+)?(?:cancel|call|postpone)")


def cancels(text: str) -> bool:
    """True when a short answer asks to call something off ("CANCEL", "we've had to postpone").

    >>> cancels("CANCEL - the hall flooded"), cancels("Thanks! No need to cancel anything")
    (True, False)
    """
    head = _head(text)[:300]
    return bool(_CANCEL.search(head)) and not _KEEP.search(head)


def cancel_note(text: str) -> str:
    """What a cancel answer says besides the word itself, for the members told (may be "")."""
    lines = [ln.strip() for ln in text.strip().splitlines()[:15]]
    note = "\n".join(ln for ln in lines if ln).strip()
    bare = re.sub(r"^\W*cancel(?:l?ed)?\W*", "", note, flags=re.I)
    return bare[:1000] if len(bare) >= 3 else ""


_GOING = re.compile(r"\b(?:going|i'?ll be there|i will be there|count me in|see you there"
                    r"|i'?ll come|i will come|i'?m coming|attending|we'?ll be there"
                    r"|we will be there)\b")
_NOT_GOING = re.compile(r"\b(?:not going|can'?t (?:make|come|go|attend)|cannot (?:make|come"
                        r"|go|attend)|won'?t be|not coming|unable|not be able|no longer"
                        r"|unsubscribe|leave)\b")


def is_going(text: str) -> bool:
    """True for a short "I'll be there" (a reply to an event notice)."""
    head = _head(text)[:200]
    return bool(_GOING.search(head)) and not _NOT_GOING.search(head)


_DIGEST = re.compile(
    r"\b(?:digest (?:only|please|instead|mode)|(?:send|give) me (?:the |a |your )?(?:weekly |"
    r"daily )?digest|(?:switch|change|move|put|set) (?:me |my \w+ )?(?:over )?to (?:the )?"
    r"(?:weekly |daily )?digest|just the digest|only the digest|prefer (?:the |a )?digest"
    r"|(?:weekly|daily) digest (?:please|instead))\b")
_EACH = re.compile(
    r"\b(?:(?:every|each) message|individual (?:e-?mails|messages|posts)|(?:send|give) me "
    r"(?:every|each) (?:e-?mail|post|notice|message)|stop (?:the|my) digest|no more digests?"
    r"|(?:switch|change|move|put|set) (?:me |my \w+ )?(?:back )?to (?:each|every|individual))\b")


def delivery_choice(text: str) -> str | None:
    """``"digest"`` or ``"each"`` when the text asks for that way of getting hub mail."""
    head = _head(text)
    digest, each = bool(_DIGEST.search(head)), bool(_EACH.search(head))
    if digest == each:
        return None
    return "digest" if digest else "each"


_LABEL = re.compile(r"^\s*(date|when|time|where|venue|place)\s*:", re.I | re.M)


def labelled_event(text: str) -> bool:
    """True when the text lays out an event in ``Date:``/``Time:``/``Where:`` lines."""
    labels = {m.group(1).lower() for m in _LABEL.finditer(text[:4000])}
    return bool(labels & {"date", "when", "time"})


_AUDIENCE = re.compile(r"^[ \t]*(?:audience|to|send to|recipients)[ \t]*:[ \t]*(.+?)[ \t]*$",
                       re.I | re.M)
_PART = re.compile(r"^(hub|hubs|region|regions)\s*:\s*(.+)$", re.I)


def audience(body: str) -> tuple[str, str]:
    """(audience spec, body without its ``Audience:`` line) for a bulletin.

    ``Audience: region:Scotland`` -> ``region:Scotland``; ``Audience: hub:leeds, hub:york``
    or ``Audience: hubs: leeds, york`` -> ``hub:leeds, hub:york``; no line -> ``all``.
    Only a line among the first few counts (a bulletin may mention an audience later).
    """
    head_end = _nth_line_end(body, 5)
    m = _AUDIENCE.search(body, 0, head_end)
    if not m:
        return "all", body
    rest = (body[:m.start()] + body[m.end():]).strip("\n")
    value = m.group(1).strip().rstrip(".")
    if value.lower() in ("all", "everyone", "all members", "everybody"):
        return "all", rest
    parts: list[str] = []
    kind = ""
    for piece in re.split(r"\s*,\s*|\s+and\s+", value):
        p = _PART.match(piece)
        if p:
            kind = "hub" if p.group(1).lower().startswith("hub") else "region"
            piece = p.group(2)
        if piece.strip():
            parts.append(f"{kind}:{piece.strip()}" if kind else piece.strip())
    return ", ".join(parts) or "all", rest


def _nth_line_end(text: str, n: int) -> int:
    pos = 0
    for _ in range(n):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos
