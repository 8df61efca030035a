"""Event notices: the date, start, end, venue and title a hub officer wrote, as a human reads them.

Dates are UK day-first (``05/06/25`` is 5 June 2025); a date without a year, or a
weekday ("this Friday", "on Monday"), is resolved against the message's Date. The
start is when the event starts, not when the doors open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lists.postcodes import find_postcodes

_MONTHS = {m: i for i, ms in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for m in ms}
_WEEKDAYS = {d: i for i, ds in enumerate(
    [("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
     ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
     ("sun", "sunday")]) for d in ds}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?" \
         r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY = r"(mon(?:day)?|tues?(?:day)?|wed(?:s|nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?" \
           r"|sat(?:urday)?|sun(?:day)?)"
_DAY_MONTH = re.compile(rf"\b(?:{_WEEKDAY}\.?,?\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?"
                        rf"\s+(?:of\s+)?{_MONTH}\b\.?,?(?:\s+(\d{{4}}))?", re.I)
_MONTH_DAY = re.compile(rf"\b(?:{_WEEKDAY}\.?,?\s+)?{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"
                        r"(?:,?\s+(\d{4}))?", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")
# "Sat 5/7", "on 12/10": day and month after a weekday or "on", the year implied
_DAY_SLASH = re.compile(rf"\b(?:{_WEEKDAY}\.?,?|on)\s+(\d{{1,2}})/(\d{{1,2}})\b(?![/.-]\d)", re.I)
_RELATIVE = re.compile(rf"\b(today|tonight|tomorrow|(?:(this|next|on|coming)\s+)?{_WEEKDAY})\b",
                       re.I)
_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|\b(\d{1,2})[:.](\d{2})"
                   r"\b(?![./]\d)|\b(noon|midday)\b", re.I)
_DOORS = re.compile(r"\b(?:doors(?: open)?|arrive|arrival|arriving|gather(?:ing)?|setting up"
                    r"|set up|meet(?:ing)? (?:up )?(?:at|from))\W*(?:at|from)?\W*$", re.I)
_START = re.compile(r"^\W*(?:start|starts|starting|sharp|kick[- ]?off|begins?)\b", re.I)
_START_BEFORE = re.compile(r"\b(?:start(?:s|ing)?|begin(?:s|ning)?|kick[- ]?off)\s+(?:at\s+)?$",
                           re.I)
_END = re.compile(r"^\s*(?:-|–|—|to|till|til|until)\s*", re.I)
_VENUE_LINE = re.compile(r"^\s*(?:where|venue|location|place|address|at)\s*:\s*(.+)$",
                         re.I | re.M)
_CANCEL = re.compile(r"\b(?:cancell?ed|postponed|called off|not going ahead|no longer going"
                     r" ahead|won'?t be going ahead|has been cancell?ed|cancell?ing)\b", re.I)
_EVENT_WORDS = re.compile(
    r"\b(?:meeting|social|picket|rally|demo|demonstration|stall|talk|screening|workshop|march"
    r"|vigil|gathering|agm|hustings|fundraiser|quiz|training|canvass\w*|door[- ]knocking"
    r"|leafleting|protest|conference|party|celebration|film|discussion|assembly|festival"
    r"|litter pick|clean-up|walk|session|lobby|teach-in|speakers?|event|drop-in|coffee morning"
    r"|open day|collection|repair caf[ée]|potluck|picnic|barbecue|bbq|jumble sale|bake sale"
    r"|ceilidh|gig|concert|book club|reading group|launch|briefing|meet-?up|get-together|swap"
    r"|surgery|(?:food|coat|clothes|book) drive)\b", re.I)
# A list of dates to choose from: two bullet lines that each give a date, and a question.
_BULLET = re.compile(r"^\s*(?:[-*•]|\d[.)]|[a-d][.)]|option \w+:?)\s+(.+)$", re.I | re.M)
# A place named without a postcode: "at St Mary's Church Hall", "at the Red Lion".
_PLACE_WORDS = re.compile(
    r"\b(?:at|in) (?:the )?(?:[\w'’.-]+ ){0,4}(?:hall|centre|center|church|chapel|library|pub"
    r"|inn|arms|tavern|caf[ée]|club|school|college|university|park|square|green|market|station"
    r"|hotel|theatre|cinema|gallery|museum|mosque|gurdwara|temple|synagogue|institute|studio"
    r"|rooms?|allotments?|community|works|house"
    # the nouns British pubs are named by ("the Red Lion", "the Wheatsheaf", "the Crown")
    r"|bar|brewery|tap|taproom|lion|crown|bell|swan|plough|anchor|wheatsheaf|ship|oak|stag"
    r"|bull|fox|feathers|chequers|angel|greyhound|head|arms)\b", re.I)
_POLL = re.compile(r"\b(?:poll|doodle|which (?:date|day|evening|night|time)s?|what (?:day|date"
                   r"|time)s? (?:works|suits?|is best)|vote on (?:a |the )?(?:date|day)"
                   r"|let me know (?:which|what) (?:date|day)|minutes of|draft minutes"
                   r"|apologies for|can anyone|could anyone|anyone (?:free|able|available|going"
                   r"|fancy|want|up for)|who can|volunteers? (?:needed|wanted)|need (?:people"
                   r"|volunteers|help|a hand)"
                   # a choice put to the members: "which of these suits?", "most votes wins"
                   r"|which (?:of (?:these|those|the two|them)|one|option)s?\b(?: \w+){0,3}?"
                   r" (?:suits?|works?|is best|would suit|would work|do you prefer)"
                   r"|which suits|(?:works?|suits?) (?:best|better) for|whichever (?:gets|date"
                   r"|day|one|suits|works|is more popular)|most votes|(?:please )?vote (?:for"
                   r"|on) (?:a|the|your)|(?:your|a) (?:preference|preferred (?:date|day|night))"
                   r"|pick a (?:date|day|night|evening)|(?:when|which days?) (?:are|is) (?:you"
                   r"|everyone|people|folk) (?:free|available)|your availability)\b", re.I)


@dataclass(frozen=True, slots=True)
class Event:
    """What an event notice says; ``status`` is ``scheduled`` or ``cancelled``."""

    date: str | None = None  # YYYY-MM-DD
    start: str | None = None  # HH:MM
    end: str | None = None
    venue: str | None = None
    venue_postcode: str | None = None
    title: str = ""
    status: str = "scheduled"

    def to_json(self) -> dict[str, object]:
        return {"date": self.date, "start": self.start, "end": self.end, "venue": self.venue,
                "venue_postcode": self.venue_postcode, "title": self.title,
                "status": self.status}


def _resolve(day: int, month: int, year: int | None, sent: date) -> date | None:
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        d = date(sent.year, month, day)
        return d if d >= sent - timedelta(days=14) else date(sent.year + 1, month, day)
    except ValueError:
        return None


def find_date(text: str, sent: date) -> tuple[date | None, int]:
    """The first date written in *text* and where it ends (-1 when none)."""
    best: tuple[int, date, int] | None = None
    for m in _DAY_MONTH.finditer(text):
        d = _resolve(int(m.group(2)), _MONTHS[m.group(3).lower()],
                     int(m.group(4)) if m.group(4) else None, sent)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d, m.end())
        break
    for m in _MONTH_DAY.finditer(text):
        d = _resolve(int(m.group(3)), _MONTHS[m.group(2).lower()],
                     int(m.group(4)) if m.group(4) else None, sent)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d, m.end())
        break
    for m in _NUMERIC.finditer(text):
        d = _resolve(int(m.group(1)), int(m.group(2)), int(m.group(3)), sent)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d, m.end())
        break
    for m in _DAY_SLASH.finditer(text):
        d = _resolve(int(m.group(2)), int(m.group(3)), None, sent)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d, m.end())
        break
    if best is None:
        for m in _RELATIVE.finditer(text):
            d = _relative(m, sent)
            if d:
                best = (m.start(), d, m.end())
                break
    return (best[1], best[2]) if best else (None, -1)


def _relative(m: re.Match[str], sent: date) -> date | None:
    word = m.group(1).lower()
    if word in ("today", "tonight"):
        return sent
    if word == "tomorrow":
        return sent + timedelta(days=1)
    wd = _WEEKDAYS.get(m.group(3).lower())
    if wd is None:
        return None
    ahead = (wd - sent.weekday()) % 7 or 7
    if (m.group(2) or "").lower() == "next" and ahead < 3:
        ahead += 7
    return sent + timedelta(days=ahead)


def _clock(m: re.Match[str]) -> str:
    if m.group(6):
        return "12:00"
    if m.group(1):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        pm = m.group(3).lower().startswith("p")
        if pm and hour < 12:
            hour += 12
        if not pm and hour == 12:
            hour = 0
    else:
        hour, minute = int(m.group(4)), int(m.group(5))
        if hour < 8:
            hour += 12  # "7.30" for a meeting is the evening
    if hour > 23 or minute > 59:
        return ""
    return f"{hour:02d}:{minute:02d}"


_RANGE = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(?:-|–|—|to|till|until)\s*(\d{1,2})"
                    r"(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)", re.I)
_AT_PLACE = re.compile(r"\b(?:at|in) (?:the )?((?:[A-Z][\w'’&-]*)(?:\s+(?:[A-Z0-9][\w'’&-]*"
                       r"|of|the|and|on|upon))*(?:,\s*[A-Z0-9][\w'’ &-]*){0,3})")


def _range(text: str) -> tuple[str, str] | None:
    """ "7-9pm", "6.30 to 8pm": both ends take the am/pm written once."""
    m = _RANGE.search(text)
    if not m:
        return None
    pm = m.group(5).lower().startswith("p")
    out = []
    for h, mi in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
        hour = int(h) + (12 if pm and int(h) < 12 else 0)
        if hour > 23 or int(mi or 0) > 59:
            return None
        out.append(f"{hour:02d}:{int(mi or 0):02d}")
    if out[0] > out[1] and pm:  # "11-2pm": starts in the morning
        out[0] = f"{int(out[0][:2]) - 12:02d}{out[0][2:]}"
    return out[0], out[1]


_HOURS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve")
_HOUR = r"(\d{1,2}|" + "|".join(_HOURS) + r")"
# "half seven" (British: 7.30), "half past six", "quarter to eight", "seven o'clock"
_SPOKEN = re.compile(r"\b(?:(half|quarter) (past |to )?" + _HOUR + r"|" + _HOUR
                     + r" o'?clock)\b(?!\s*(?:years?|yrs?|people|members|%|miles|minutes))",
                     re.I)
# "11 till 2", "6 to 8": a range of bare hours; the later end says which half of the day
_BARE_RANGE = re.compile(r"\b(\d{1,2}) ?(?:-|–|to|till|til|until) ?(\d{1,2})\b"
                         r"(?![/.:-]\d|\s*(?:years?|yrs?|people|members|%|miles|minutes|year"
                         r"|olds?))", re.I)


def _hour_of(word: str) -> int:
    return int(word) if word.isdigit() else _HOURS.index(word.lower()) + 1


def _spoken(text: str) -> tuple[str | None, str | None]:
    """Times written as people say them, when no clock time is given: (start, end)."""
    m = _SPOKEN.search(text)
    if m:
        if m.group(4):  # "seven o'clock"
            hour, minute = _hour_of(m.group(4)), 0
        else:
            hour, minute = _hour_of(m.group(3)), 30 if m.group(1).lower() == "half" else 15
            if (m.group(2) or "").strip().lower() == "to":
                hour, minute = hour - 1, 45
        if 1 <= hour <= 12:
            hour += 12 if hour < 8 else 0  # "half seven" for a meeting is the evening
            return f"{hour:02d}:{minute:02d}", None
    r = _BARE_RANGE.search(text)
    if r:
        start, end = int(r.group(1)), int(r.group(2))
        if 1 <= start <= 12 and 1 <= end <= 12 and start != end:
            if start > end:  # "11 till 2": morning to afternoon
                return f"{start:02d}:00", f"{end + 12:02d}:00"
            shift = 12 if end <= 9 and start < 8 else 0  # "6 to 8": the evening
            return f"{start + shift:02d}:00", f"{end + shift:02d}:00"
    return None, None


def find_times(text: str) -> tuple[str | None, str | None]:
    """(start, end): the start time (not the doors), and an end time right after it."""
    span = _range(text)
    if span:
        return span
    times = [(m, _clock(m)) for m in _TIME.finditer(text)]
    times = [(m, t) for m, t in times if t]
    if not times:
        return _spoken(text)
    chosen = None
    for m, t in times:
        if _START.match(text[m.end():m.end() + 12]) or _START_BEFORE.search(
                text[max(0, m.start() - 20):m.start()]):
            chosen = (m, t)
            break
    if chosen is None:
        chosen = next(((m, t) for m, t in times
                       if not _DOORS.search(text[max(0, m.start() - 25):m.start()])), times[0])
    m, start = chosen
    end = None
    rest = text[m.end():m.end() + 30]
    e = _END.match(rest)
    if e:
        after = _TIME.match(rest[e.end():])
        if after and _clock(after):
            end = _clock(after)
        else:
            bare = re.match(r"(\d{1,2})(?:[.:](\d{2}))?\b", rest[e.end():])
            if bare and m.group(3):  # "7-9pm": the end's am/pm applies
                end = None
    return start, end


def looks_like_event(text: str, subject: str, sent: date) -> tuple[float, list[str]]:
    """(score, reasons): a dated, timed notice of something happening somewhere."""
    both = subject + "\n" + text
    when, _ = find_date(both, sent)
    start, _ = find_times(both)
    reasons: list[str] = []
    if _POLL.search(both) or ("?" in both and _dates_to_choose(text, sent)):
        return 0.1, ["asks about dates or reports minutes"]
    if when is not None and start is None and _CANCEL.search(both) and _EVENT_WORDS.search(both):
        return 0.75, [f"cancels an event on {when.isoformat()}"]
    if when is None or start is None:
        return 0.0, []
    if when < sent - timedelta(days=1):
        return 0.1, ["the date has passed"]
    reasons.append(f"gives a date ({when.isoformat()}) and a time ({start})")
    # "half seven", "11 till 2": a time as people say it is weaker evidence than "7.30pm"
    score = 0.55 if _range(both) or _TIME.search(both) else 0.45
    if _VENUE_LINE.search(text) or any(not m.postcode.is_outcode for m in find_postcodes(text)):
        score += 0.25
        reasons.append("gives a venue")
    elif _PLACE_WORDS.search(text):
        score += 0.2
        reasons.append("names a place")
    if _EVENT_WORDS.search(both):
        score += 0.15
        reasons.append("names an event")
    if _CANCEL.search(both):
        score += 0.1
        reasons.append("cancels an event")
    return min(score, 0.95), reasons


def _dates_to_choose(text: str, sent: date) -> bool:
    """Two or more bullet lines that each give a date: options put to the members."""
    dated = 0
    for m in _BULLET.finditer(text):
        if find_date(m.group(1), sent)[0] is not None:
            dated += 1
            if dated >= 2:
                return True
    return False


def extract(text: str, subject: str, sent: datetime) -> Event:
    """The event fields of a notice (fields it does not give are None)."""
    day = sent.date()
    both = subject + "\n" + text
    when, _ = find_date(text, day)
    if when is None:
        when, _ = find_date(subject, day)
    start, end = find_times(text)
    if start is None:
        start, end = find_times(subject)
    venue, venue_pc = _venue(text)
    return Event(date=when.isoformat() if when else None, start=start, end=end, venue=venue,
                 venue_postcode=venue_pc, title=subject.strip()[:200],
                 status="cancelled" if _CANCEL.search(both) else "scheduled")


def _venue(text: str) -> tuple[str | None, str | None]:
    m = _VENUE_LINE.search(text)
    if m:
        line = m.group(1)
    else:
        full = [p for p in find_postcodes(text) if not p.postcode.is_outcode]
        if not full:
            return _place_without_postcode(text), None
        pc = full[0]
        line_start = text.rfind("\n", 0, pc.start) + 1
        line = text[line_start:pc.end]
    pcs = [p for p in find_postcodes(line) if not p.postcode.is_outcode]
    postcode = pcs[0].postcode.canonical if pcs else None
    if pcs:
        line = line[:pcs[0].start]
    line = re.sub(r"\([^)]*\)", "", line)
    # drop what comes before the place: the date and time, "at", "in the"
    parts = [s.strip() for s in re.split(r"[.!?]\s", line)]
    line = parts[-1] if parts else line
    cut = list(re.finditer(r"\b(?:at|in)(?: the)?\s+(?=[A-Z0-9])", line))
    if cut:
        line = line[cut[-1].end():]
    segments = [s.strip() for s in line.split(",")]
    segments = [s for s in segments if s and not _TIME.search(s) and not _has_date(s)
                and not re.match(r"^(?:doors|from|till|until)\b", s, re.I)]
    venue = ", ".join(segments).strip(" ,.-:")
    return (venue or None), postcode


def _place_without_postcode(text: str) -> str | None:
    """ "at the Red Lion", or the capitalised words after the time ("7pm, Town Hall")."""
    place = _AT_PLACE.search(text)
    if place:
        return place.group(1).strip(" ,.")
    when = _TIME.search(text)
    if when is None:
        return None
    rest = re.split(r"[.!?\n]", text[when.end():], maxsplit=1)[0]
    parts = [p.strip() for p in rest.split(",")]
    places = [p for p in parts if p[:1].isupper() and not _TIME.search(p) and not _has_date(p)]
    return ", ".join(places[:3]) or None


def _has_date(s: str) -> bool:
    return bool(_DAY_MONTH.search(s) or _MONTH_DAY.search(s) or _NUMERIC.search(s)
                or re.fullmatch(rf"{_WEEKDAY}\b.*", s, re.I))
