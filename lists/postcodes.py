"""UK postcodes: read what people type, check it by the real format rules, find them in text.

Pure functions, no network and no data download: the rules are Royal Mail's format
rules, the list of postcode areas below, and the special cases.

- ``parse_postcode("l81ab")`` -> ``Postcode(outward="L8", inward="1AB", area="L")``;
  ``parse_postcode("M14")`` -> the outcode ``M14`` (a district without its inward part).
- ``normalise(" sw1a  1aa ")`` -> ``"SW1A 1AA"``.
- ``find_postcodes(text)`` -> every candidate postcode in free text with its position,
  leaving out lookalikes (phone numbers, order references, "the M6", paper sizes).

A unit postcode is an *outward* code (area letters, district number, in central London
a district letter) and an *inward* code (sector digit and two unit letters)::

    A9 9AA   A99 9AA   A9A 9AA   AA9 9AA   AA99 9AA   AA9A 9AA

Special cases: ``GIR 0AA`` (the old Girobank address) and British Forces Post Office
numbers (``BFPO 801``, and the ``BF1`` postcodes) are read but never routed to a hub.

Exceptions::

    InvalidPostcode (ValueError)   .reason is one sentence a volunteer understands
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The postcode areas: 121 in the UK, plus Guernsey, Jersey and the Isle of Man.
AREAS: frozenset[str] = _words("""
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L
LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S
SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN
WR WS WV YO ZE
""")

# Letters allowed in each position (Royal Mail's rules; the areas above all obey 1 and 2).
FIRST_LETTERS = "ABCDEFGHIJKLMNOPRSTUWYZ"      # never Q, V, X
SECOND_LETTERS = "ABCDEFGHKLMNOPQRSTUVWXY"     # never I, J, Z
DISTRICT_LETTER_A9A = "ABCDEFGHJKPSTUW"        # third position of A9A
DISTRICT_LETTER_AA9A = "ABEHMNPRVWXY"          # fourth position of AA9A
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"        # never C, I, K, M, O, V

# Only these central London districts are split by a letter (E1W, W1A, EC1A, SW1A ...).
LETTERED_DISTRICTS = _words("E1 N1 W1 EC1 EC2 EC3 EC4 NW1 SE1 SW1 WC1 WC2")

# Look like postcodes, are not places in the UK.
NON_GEOGRAPHIC = {
    "BX": "BX postcodes are for organisations' post, not places: a home postcode is needed",
    "XX": "XX postcodes are for returned parcels, not places: a home postcode is needed",
}
OVERSEAS = _words("ASCN1ZZ BBND1ZZ BIQQ1ZZ FIQQ1ZZ GX111AA PCRN1ZZ SIQQ1ZZ STHL1ZZ "
                     "TDCU1ZZ TKCA1ZZ")
GIRO = "GIR0AA"

_INWARD = re.compile(rf"[0-9][{INWARD_LETTERS}]{{2}}")
_BFPO = re.compile(r"BFPO([0-9]*)")


@dataclass(frozen=True, slots=True)
class Postcode:
    """A parsed, valid UK postcode (``L8 1AB``) or outcode (``M14``).

    ``special`` is None for an ordinary postcode, ``"GIR"`` for GIR 0AA and
    ``"BFPO"`` for a forces address (``BFPO 801``: outward ``BFPO``, inward ``801``;
    or a ``BF1 xxx`` postcode).
    """

    outward: str
    inward: str | None
    area: str
    special: str | None = None

    @property
    def canonical(self) -> str:
        """``"L8 1AB"``, ``"M14"``, ``"BFPO 801"``."""
        return f"{self.outward} {self.inward}" if self.inward else self.outward

    @property
    def district(self) -> str:
        """The postcode district: the outward code, ``"L8"``."""
        return self.outward

    @property
    def sector(self) -> str | None:
        """``"L8 1"``; None for an outcode alone or a BFPO number."""
        if self.inward is None or self.outward == "BFPO":
            return None
        return f"{self.outward} {self.inward[0]}"

    @property
    def parent_district(self) -> str | None:
        """The district a lettered central London district splits: ``SW1`` for ``SW1A``."""
        if self.special is None and self.outward[-1].isalpha():
            return self.outward[:-1]
        return None

    @property
    def is_outcode(self) -> bool:
        """True when only the district was given (``M14``)."""
        return self.inward is None

    def __str__(self) -> str:
        return self.canonical


class InvalidPostcode(ValueError):
    """Not a UK postcode; ``reason`` says why in words a volunteer understands."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


BadFn = Callable[[str], InvalidPostcode]   # parse_postcode's error maker, for its helpers


def parse_postcode(text: str, allow_outcode: bool = True) -> Postcode:
    """Read a postcode as people type it (any case, any spacing) and check it.

    ``parse_postcode(" sw1a  1aa ")`` is ``SW1A 1AA``; ``parse_postcode("M14")`` is the
    outcode ``M14`` unless *allow_outcode* is False. Raises ``InvalidPostcode``.
    """
    shown = " ".join(text.split())
    parts = shown.upper().split(" ")
    compact = "".join(parts)

    def bad(reason: str) -> InvalidPostcode:
        return InvalidPostcode(shown, reason)

    if not compact:
        raise bad("no postcode was given")
    if not compact.isascii() or not compact.isalnum():
        raise bad("a postcode has only letters and digits")
    if compact.startswith("BFPO"):
        return _bfpo(compact, bad)
    if compact == GIRO:
        return Postcode("GIR", "0AA", "GIR", "GIR")
    if compact in OVERSEAS:
        raise bad(f"{compact[:-3]} {compact[-3:]} is a British overseas territory's postcode, "
                  "outside the UK")
    if compact[0].isdigit():
        raise bad("a postcode starts with one or two letters, like L8 or SW1A: "
                  "this looks like a number")
    if len(compact) > 7:
        raise bad("too long for a postcode: a UK postcode has five to seven letters and digits")
    if len(parts) == 2:
        outward, inward = parts
    elif len(compact) >= 5:
        outward, inward = compact[:-3], compact[-3:]
    else:
        outward, inward = compact, ""
    if inward:
        _check_inward(inward, bad)
    area = _check_outward(outward, bad)
    if not inward and not allow_outcode:
        raise bad(f"{outward} is only the first part: the full postcode is needed, like "
                  f"{outward} 1AB")
    special = "BFPO" if area == "BF" else None
    return Postcode(outward, inward or None, area, special)


def normalise(text: str) -> str:
    """The canonical form of a postcode or outcode (``"l81ab"`` -> ``"L8 1AB"``).

    Raises ``InvalidPostcode``; ``normalise(normalise(x)) == normalise(x)``.
    """
    return parse_postcode(text).canonical


def _bfpo(compact: str, bad: BadFn) -> Postcode:
    number = _BFPO.fullmatch(compact)
    if number is None or not number.group(1):
        raise bad("a BFPO address needs its number, like BFPO 801")
    digits = number.group(1)
    if len(digits) > 4 or digits.startswith("0"):
        raise bad("a BFPO number has one to four digits, like BFPO 801")
    return Postcode("BFPO", digits, "BFPO", "BFPO")


def _check_inward(inward: str, bad: BadFn) -> None:
    if _INWARD.fullmatch(inward):
        return
    if len(inward) == 3 and inward[0] == "O" and inward[1:].isalpha():
        raise bad("the last part starts with a digit: is the O a zero?")
    if len(inward) == 3 and inward[0].isdigit() and inward[1:].isalpha():
        raise bad("the last part never has the letters C, I, K, M, O or V")
    raise bad("the last part must be a digit and two letters, like 1AB")


def _check_outward(outward: str, bad: BadFn) -> str:
    """Check the outward code; return its area."""
    letters = len(outward) - len(outward.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    area, rest = outward[:letters], outward[letters:]
    if not area:
        raise bad("a postcode starts with one or two letters, like L8 or SW1A")
    if len(area) > 2:
        raise bad(f"{area} is not a UK postcode area: a postcode starts with one or two "
                  "letters")
    if area in NON_GEOGRAPHIC:
        raise bad(NON_GEOGRAPHIC[area])
    if area not in AREAS and area != "BF":
        raise bad(f"{area} is not a UK postcode area")
    if not rest:
        raise bad(f"{area} alone is a whole postcode area: the district is needed too, like "
                  f"{area}1, or the full postcode")
    if rest.isdigit() and len(rest) <= 2:
        if len(rest) == 2 and rest[0] == "0":
            raise bad(f"a district number never starts with 0: {area}{rest[1]}, not {outward}")
        return area
    if len(rest) == 2 and rest[0].isdigit() and rest[1].isalpha():
        allowed = DISTRICT_LETTER_A9A if len(area) == 1 else DISTRICT_LETTER_AA9A
        if area + rest[0] in LETTERED_DISTRICTS and rest[1] in allowed:
            return area
        raise bad(f"{outward} is not a postcode district: only some central London "
                  "districts end in a letter")
    raise bad("the first part must be one or two letters and a one- or two-digit number, "
              "like L8, M14 or SW1A")


@dataclass(frozen=True, slots=True)
class PostcodeMatch:
    """A candidate postcode found in free text: what it reads as, and where it stood."""

    postcode: Postcode
    start: int
    end: int
    text: str


# Candidates are found by shape, then checked by parse_postcode. A candidate must stand
# alone: not inside a word, an address, a URL, a hyphenated code or a decimal number.
_BEFORE = r"(?<![\w@#/\\+\-.&=])"
_AFTER = r"(?![\w@/\\]|[-.&=]\w)"
_FULL = re.compile(
    _BEFORE + r"(?:(?P<special>BFPO[ \t\u00a0]{0,2}[0-9]{1,4}|GIR[ \t\u00a0]{0,3}0AA)"
    r"|(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)[ \t\u00a0]{0,3}(?P<in>[0-9][A-Z]{2}))" + _AFTER,
    re.IGNORECASE)
_OUTCODE = re.compile(_BEFORE + r"(?P<out>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?)" + _AFTER)

# Words that, just before a candidate, make it a reference or a road, not an address.
_REF_WORDS = _words("""
order ref reference case invoice ticket booking account acct no number id tracking serial
model part flight item sku receipt claim policy
""")
_ROAD_BEFORE = _words("the a an")
_PLACE_AFTER = _words("area district postcode side part end hub branch group")
_ROAD_AFTER = _words("""
motorway mway toll junction jct northbound southbound eastbound westbound paper size sheet
sheets envelope envelopes format
""")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s:.#]*$")
_WORD_AFTER = re.compile(r"^\s*([A-Za-z]+|[0-9])")
# What makes a lower-case outcode one: "postcode: m14", or where someone lives ("im in bs3").
# Text-speak that looks like an outcode in lower case ("im in b4 u").
_TEXTISMS = frozenset({"b4"})
_POSTCODE_WORD = re.compile(r"post\s*code[\s:.,-]*(?:is[\s:]*)?$|\b(?:i'?m|im|i am|we'?re"
                            r"|we are|i live|we live|living|based|reside|residing) in\s+$",
                            re.IGNORECASE)


def find_postcodes(text: str, include_outcodes: bool = True) -> list[PostcodeMatch]:
    """Every candidate UK postcode in *text*, in order of position.

    Full postcodes are found in any case, with or without the space. Outcodes alone
    (``M14``) only with *include_outcodes*, only when written in capitals (or right after
    the word "postcode" or "I'm in", "I live in"), and not when they read as a road, a
    motorway, a paper size or a reference ("the M6", "M62 junction 25", "a B5 notebook",
    "order no. N12"). Which candidate is the sender's home postcode is for the caller to
    decide.
    """
    found: list[PostcodeMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL.finditer(text):
        taken.append((m.start(), m.end()))  # a rejected full shape is no outcode either
        if _is_reference(text, m.start()):
            continue
        try:
            pc = parse_postcode(m.group(0), allow_outcode=False)
        except InvalidPostcode:
            continue
        found.append(PostcodeMatch(pc, m.start(), m.end(), m.group(0)))
    if include_outcodes:
        for m in _OUTCODE.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            outcode = _outcode_candidate(text, m)
            if outcode is not None:
                found.append(PostcodeMatch(outcode, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda f: f.start)
    return found


def _outcode_candidate(text: str, m: re.Match[str]) -> Postcode | None:
    token = m.group("out")
    before = text[max(0, m.start() - 40):m.start()]
    if not token.isupper() and (not _POSTCODE_WORD.search(before) or token.lower() in _TEXTISMS):
        return None
    after = _WORD_AFTER.match(text[m.end():m.end() + 40])
    word_after = after.group(1).lower() if after else ""
    word_before = _WORD_BEFORE.search(before)
    if (word_before and word_before.group(1).lower() in _ROAD_BEFORE
            and word_after not in _PLACE_AFTER):
        return None  # "the M6", "a B5 notebook"; but "the M14 area" is a place
    if _is_reference(text, m.start()):
        return None
    if word_after in _ROAD_AFTER or word_after.isdigit():
        return None  # "M6 toll", or a broken postcode such as "SW1A 1A"
    try:
        pc = parse_postcode(token)
    except InvalidPostcode:
        return None
    return pc if pc.special is None else None


# Reference words that are written abbreviated with a full stop ("order no. N12").
_REF_ABBREVIATIONS = _words("no ref acct id")


def _is_reference(text: str, start: int) -> bool:
    word = _WORD_BEFORE.search(text[max(0, start - 40):start])
    if not word or word.group(1).lower() not in _REF_WORDS:
        return False
    # "... my work account. SE5 8AA": a full stop after a whole word ends its sentence
    return "." not in word.group(0) or word.group(1).lower() in _REF_ABBREVIATIONS
