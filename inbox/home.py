"""Which postcode in a message is where the person lives.

``lists.postcodes.find_postcodes`` finds the candidates; this module decides between
them by where each stands. Left out: text quoted from earlier mail (never looked at),
a work or office address in a signature block, an event's venue, and the old address
of someone who moved. Preferred: the one the writer picks ("use the Leeds one"), then
one marked new or current, then one marked as home, then the first. The subject is
read only when the body gives none it can use. A line of running text wrapped by the
mail program does not end its sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lists.postcodes import PostcodeMatch, find_postcodes

# Post towns of the postcode areas, for "please use the Leeds one".
AREA_TOWNS: dict[str, tuple[str, ...]] = {
    "AB": ("aberdeen",), "AL": ("st albans",), "B": ("birmingham", "brum"), "BA": ("bath",),
    "BB": ("blackburn",), "BD": ("bradford",), "BH": ("bournemouth",), "BL": ("bolton",),
    "BN": ("brighton",), "BR": ("bromley",), "BS": ("bristol",), "BT": ("belfast", "derry"),
    "CA": ("carlisle",), "CB": ("cambridge",), "CF": ("cardiff",), "CH": ("chester",),
    "CM": ("chelmsford",), "CO": ("colchester",), "CR": ("croydon",), "CT": ("canterbury",),
    "CV": ("coventry",), "CW": ("crewe",), "DA": ("dartford",), "DD": ("dundee",),
    "DE": ("derby",), "DH": ("durham",), "DL": ("darlington",), "DN": ("doncaster",),
    "DT": ("dorchester",), "DY": ("dudley",), "E": ("london", "east london"),
    "EC": ("london", "city"), "EH": ("edinburgh",), "EN": ("enfield",), "EX": ("exeter",),
    "FK": ("falkirk",), "FY": ("blackpool",), "G": ("glasgow",), "GL": ("gloucester",),
    "GU": ("guildford",), "GY": ("guernsey",), "HA": ("harrow",), "HD": ("huddersfield",),
    "HG": ("harrogate",), "HP": ("hemel",), "HR": ("hereford",), "HS": ("hebrides",),
    "HU": ("hull",), "HX": ("halifax",), "IG": ("ilford",), "IM": ("isle of man",),
    "IP": ("ipswich",), "IV": ("inverness",), "JE": ("jersey",), "KA": ("kilmarnock",),
    "KT": ("kingston",), "KW": ("kirkwall",), "KY": ("kirkcaldy",), "L": ("liverpool",),
    "LA": ("lancaster",), "LD": ("llandrindod",), "LE": ("leicester",), "LL": ("llandudno",),
    "LN": ("lincoln",), "LS": ("leeds",), "LU": ("luton",), "M": ("manchester",),
    "ME": ("rochester", "medway"), "MK": ("milton keynes",), "ML": ("motherwell",),
    "N": ("london", "north london"), "NE": ("newcastle",), "NG": ("nottingham",),
    "NN": ("northampton",), "NP": ("newport",), "NR": ("norwich",),
    "NW": ("london", "north west london"), "OL": ("oldham",), "OX": ("oxford",),
    "PA": ("paisley",), "PE": ("peterborough",), "PH": ("perth",), "PL": ("plymouth",),
    "PO": ("portsmouth",), "PR": ("preston",), "RG": ("reading",), "RH": ("redhill",),
    "RM": ("romford",), "S": ("sheffield",), "SA": ("swansea",), "SE": ("london",),
    "SG": ("stevenage",), "SK": ("stockport",), "SL": ("slough",), "SM": ("sutton",),
    "SN": ("swindon",), "SO": ("southampton",), "SP": ("salisbury",), "SR": ("sunderland",),
    "SS": ("southend",), "ST": ("stoke",), "SW": ("london",), "SY": ("shrewsbury",),
    "TA": ("taunton",), "TD": ("galashiels",), "TF": ("telford",), "TN": ("tonbridge",),
    "TQ": ("torquay",), "TR": ("truro",), "TS": ("middlesbrough", "teesside"),
    "TW": ("twickenham",), "UB": ("southall", "uxbridge"), "W": ("london",),
    "WA": ("warrington",), "WC": ("london",), "WD": ("watford",), "WF": ("wakefield",),
    "WN": ("wigan",), "WR": ("worcester",), "WS": ("walsall",), "WV": ("wolverhampton",),
    "YO": ("york",), "ZE": ("lerwick", "shetland"),
}

# "your email has me at ...", "you've got me down as ...": what we hold, being corrected
_OLD = re.compile(r"\b(?:old|previous|previously|formerly|former|used to (?:live|be)"
                  r"|moved (?:away )?from|until recently|no longer|(?:has|have|had|got|put"
                  r"|listed|recorded|registered) (?:me|us) (?:down )?(?:at|as|in|under|for))\b"
                  r"[^.;!?]{0,30}$"
                  r"|\b(?:was|were)\W{0,3}$", re.I)
_NEW = re.compile(r"\b(?:new|now|current|currently|moved to|moving to|relocated to|from now on"
                  r"|instead|these days|actually|in fact|should be|correct (?:one|postcode|address)"
                  r" is|right (?:one|postcode|address) is)\b[^.;!?]{0,30}$"
                  r"|\bfrom\b[^.;!?]{1,40}\bto\b[^.;!?]{0,30}$",
                  re.I)
_HOME = re.compile(r"\b(?:live|living|lives|home|my postcode|our postcode|post ?code"
                   r"|i'?m in|i am in|we'?re in|we are in|based|resident|reside|address is"
                   r"|i'?m from)\b", re.I)
# After the postcode: "... is my postcode", "... is where we live".
_HOME_AFTER = re.compile(r"\W{0,3}(?:is|'s|being)\s+(?:(?:my|our)\s+(?:home\s+)?(?:post ?code"
                         r"|address)|the\s+post ?code\b(?!\s+(?:of|for|at)\b)|where\s+(?:i|we)"
                         r"\s+live)", re.I)
# "moving for the new job", "relocating for work": why they move, not an address at work
_WORK = re.compile(r"\b(?<!for )(?<!for a )(?<!for the )(?<!for my )(?<!new )(?:work|working|office"
                   r"|workplace|employer|job|studio|business address)\b", re.I)
_VENUE = re.compile(r"\b(?:meeting|meet|event|venue|held|rally|stall|picket|social|talk"
                    r"|march|demo|gathering|session|screening|workshop|doors)\b", re.I)
_OUR_PLACE = re.compile(r"\b(?:we|we'?re|our)\b(?: \w+){0,2} (?:meet|based|found|meetings"
                        r" are)\b", re.I)
_CHOOSE = re.compile(r"\b(?:use|take|choose|prefer|go with|keep|pick|stick with|put me in)"
                     r" (?:the|my) ([a-z]+(?: [a-z]+)?) (?:one|postcode|address|hub)\b", re.I)
# Lines of a contact block in a work signature.
_WORK_LINE = re.compile(
    r"\b(?:ltd|limited|plc|llp|cic|council|centre|center|services|service|trust|association"
    r"|department|dept|university|college|school|hospital|nhs|office|unit \d|floor|suite"
    r"|house,|chambers|advice|solicitors|consultancy|agency|foundation|institute|society"
    r"|manager|officer|caseworker|co-?ordinator|director|adviser|advisor|assistant|consultant"
    r"|executive|administrator|secretary|clerk|head of|lead|worker|volunteer|reporter"
    r"|editor|lecturer|professor|www\.|https?://|\|)|\b(?:producer|presenter|journalist"
    r"|correspondent|solicitor|councillor|cllr|senior|chief|deputy|trainee|junior|principal"
    r"|radio|fm|media|newsroom|broadcast\w*)\b", re.I)


@dataclass(frozen=True, slots=True)
class Candidate:
    match: PostcodeMatch
    line: int
    source: str  # "body" or "subject"
    marks: frozenset[str]

    @property
    def canonical(self) -> str:
        return self.match.postcode.canonical


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of *pattern* in *text* starts; -1 when none."""
    last = -1
    for m in pattern.finditer(text):
        last = m.start()
    return last


def _blocks(lines: list[str]) -> list[int]:
    """Block number of each line (blocks are separated by blank lines)."""
    out, block = [], 0
    for line in lines:
        if not line.strip():
            block += 1
        out.append(block)
    return out


def _work_block(lines: list[str], blocks: list[int], line_no: int) -> bool:
    """The line sits in a contact block that reads as a workplace."""
    block = blocks[line_no]
    members = [ln for ln, b in zip(lines, blocks, strict=True) if b == block and ln.strip()]
    if len(members) < 2:
        return False
    hits = sum(1 for ln in members if _WORK_LINE.search(ln))
    return hits >= 1 and len(members) <= 8


# Every postcode has a letter right before a digit; text without one has no candidates.
_LETTER_DIGIT = re.compile(r"[A-Za-z][0-9]")


def candidates(body: str, subject: str = "") -> list[Candidate]:
    """Every postcode candidate with its marks: old, new, home, work, venue, chosen."""
    out: list[Candidate] = []
    found = find_postcodes(body) if _LETTER_DIGIT.search(body) else []
    if found:
        out = _marked(body, found)
    if not out and subject:
        out = _subject_candidates(subject)
    return out


def _subject_candidates(subject: str) -> list[Candidate]:
    if not _LETTER_DIGIT.search(subject):
        return []
    return [Candidate(m, 0, "subject", frozenset()) for m in find_postcodes(subject)]


# A line of running text wrapped where the writer's mail program broke it: long, and not
# ending a sentence. The sentence goes on past the line break.
_WRAP_AT = 55


def _sentence_start(body: str, at: int) -> int:
    """Where the sentence holding *at* starts (the index before it): after the last full stop,
    question or exclamation mark, or line break that is not a mere wrap of running text."""
    stop = max(body.rfind(c, 0, at) for c in ".!?")
    nl = body.rfind("\n", 0, at)
    while nl > stop:
        line_start = body.rfind("\n", 0, nl) + 1
        line = body[line_start:nl].rstrip()
        if len(line) < _WRAP_AT or line.endswith((".", "!", "?", ":", ";")) \
                or not body[nl + 1:nl + 2].strip():
            return nl
        nl = line_start - 1
    return stop


def _marked(body: str, found: list[PostcodeMatch]) -> list[Candidate]:
    lines = body.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    blocks = _blocks(lines)
    chosen_towns = {m.group(1).lower() for m in _CHOOSE.finditer(body)} \
        if " one" in body or "postcode" in body or "address" in body else set()
    out: list[Candidate] = []
    prev_end = 0
    for m in found:
        line_no = bisect.bisect_right(starts, m.start) - 1
        sentence_start = _sentence_start(body, m.start)
        before = body[max(prev_end, sentence_start + 1, m.start - 80):m.start]
        sentence = body[sentence_start + 1:m.end + 60].split(".")[0]
        marks = set()
        old, new = _OLD.search(before), _NEW.search(before)
        if old and (not new or old.start() > new.start()):
            marks.add("old")
        elif new:
            marks.add("new")
        home_at = _last(_HOME, before)
        work_at = _last(_WORK, before)
        if home_at > work_at or _HOME_AFTER.match(body, m.end):  # or "SA2 8PP is my postcode"
            marks.add("home")
        elif work_at > home_at or _work_block(lines, blocks, line_no):
            marks.add("work")
        if _VENUE.search(sentence) and "home" not in marks:
            marks.add("venue")
            if _OUR_PLACE.search(before):
                marks.add("our place")  # "we meet at ...": where a body is found
        towns = AREA_TOWNS.get(m.postcode.area, ())
        if chosen_towns and any(t in chosen_towns for t in towns):
            marks.add("chosen")
        out.append(Candidate(m, line_no, "body", frozenset(marks)))
        prev_end = m.end
    return out


def home_postcode(body: str, subject: str = "", organisation: bool = False) -> str | None:
    """The sender's home postcode (an organisation's address when *organisation*), or None.

    >>> home_postcode("I live in N16.\\n\\nJo Bloggs\\nCaseworker\\nLondon EC1A 1BB")
    'N16'
    """
    cands = candidates(body, subject)
    keep = [c for c in cands if "old" not in c.marks
            and (organisation or "work" not in c.marks) and "venue" not in c.marks]
    if not keep and organisation:  # an organisation's own meeting place is its address
        keep = [c for c in cands if "our place" in c.marks and "old" not in c.marks]
    if not keep and subject and cands and cands[0].source == "body":
        # the body's only look-alikes are a work address or a venue: "Joining - SE4 1UR"
        keep = _subject_candidates(subject)
    if not keep:
        return None
    for mark in ("chosen", "new", "home"):
        marked = [c for c in keep if mark in c.marks]
        if marked:
            keep = marked
            break
    best = keep[0]
    if best.match.postcode.is_outcode:
        # "I'm in M14 ... M14 5RT": the full postcode of the same district is better
        fuller = [c for c in keep if not c.match.postcode.is_outcode
                  and c.match.postcode.outward == best.match.postcode.outward]
        if fuller:
            best = fuller[0]
    return best.canonical
