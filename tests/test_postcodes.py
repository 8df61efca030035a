"""Postcode parsing and finding: every unit shape, the special cases, and the lookalikes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lists.postcodes import (
    AREAS,
    InvalidPostcode,
    Postcode,
    find_postcodes,
    normalise,
    parse_postcode,
)
from tests import strategies


@pytest.mark.parametrize("typed, canonical, outward, area", [
    ("M1 1AE", "M1 1AE", "M1", "M"),           # A9 9AA
    ("b33 8th", "B33 8TH", "B33", "B"),         # A99 9AA
    ("W1A0AX", "W1A 0AX", "W1A", "W"),          # A9A 9AA
    ("cr2 6xh", "CR2 6XH", "CR2", "CR"),        # AA9 9AA
    ("DN55 1PT", "DN55 1PT", "DN55", "DN"),     # AA99 9AA
    ("ec1a1bb", "EC1A 1BB", "EC1A", "EC"),      # AA9A 9AA
])
def test_every_unit_shape(typed: str, canonical: str, outward: str, area: str) -> None:
    # each of the six unit shapes parses to its canonical form and parts
    pc = parse_postcode(typed)
    assert pc.canonical == canonical
    assert (pc.outward, pc.area, pc.special) == (outward, area, None)
    assert pc.inward == canonical.split()[1]
    assert pc.district == outward
    assert pc.sector == canonical[:-2]


@pytest.mark.parametrize("typed, canonical", [
    ("l81ab", "L8 1AB"),
    (" sw1a  1aa ", "SW1A 1AA"),
    ("EC1A1BB", "EC1A 1BB"),
    ("Sw1A\t1aA", "SW1A 1AA"),
    ("M14", "M14"),
    ("  se1p ", "SE1P"),
    ("ze1 0aa", "ZE1 0AA"),
    ("BT7 1NN", "BT7 1NN"),
    ("GY1 1AA", "GY1 1AA"),
    ("je2 3ab", "JE2 3AB"),
    ("IM1 1AA", "IM1 1AA"),
    ("HS1 2AA", "HS1 2AA"),
])
def test_normalise_what_people_type(typed: str, canonical: str) -> None:
    # spacing and case vary; the canonical form does not
    assert normalise(typed) == canonical


def test_outcode_alone() -> None:
    # a district alone is an outcode with no inward part; refused when a full one is needed
    pc = parse_postcode("m14")
    assert pc == Postcode("M14", None, "M")
    assert pc.is_outcode and pc.sector is None and pc.district == "M14"
    with pytest.raises(InvalidPostcode) as e:
        parse_postcode("M14", allow_outcode=False)
    assert "full postcode is needed" in e.value.reason


@pytest.mark.parametrize("typed, canonical, outward, inward, special", [
    ("GIR 0AA", "GIR 0AA", "GIR", "0AA", "GIR"),
    ("gir0aa", "GIR 0AA", "GIR", "0AA", "GIR"),
    ("BFPO 801", "BFPO 801", "BFPO", "801", "BFPO"),
    ("bfpo1", "BFPO 1", "BFPO", "1", "BFPO"),
    ("BFPO  2200", "BFPO 2200", "BFPO", "2200", "BFPO"),
    ("BF1 3AA", "BF1 3AA", "BF1", "3AA", "BFPO"),
])
def test_special_cases(typed: str, canonical: str, outward: str, inward: str,
                       special: str) -> None:
    # GIR 0AA and forces addresses are read as such
    pc = parse_postcode(typed)
    assert (pc.canonical, pc.outward, pc.inward, pc.special) == (canonical, outward, inward,
                                                                 special)


def test_lettered_district_knows_the_district_it_splits() -> None:
    # SW1A is part of SW1; L8 and specials split nothing
    assert parse_postcode("SW1A 1AA").parent_district == "SW1"
    assert parse_postcode("W1A").parent_district == "W1"
    assert parse_postcode("L8 1AB").parent_district is None
    assert parse_postcode("GIR 0AA").parent_district is None


def test_bfpo_number_has_no_sector() -> None:
    # a BFPO number is not a geographic sector
    assert parse_postcode("BFPO 801").sector is None


@pytest.mark.parametrize("typed, reason", [
    ("SW1A 1A", "the last part must be a digit and two letters"),
    ("QQ1 1AA", "QQ is not a UK postcode area"),
    ("07700 900123", "starts with one or two letters"),
    ("Order 12345", "too long"),
    ("A1 1AA", "A is not a UK postcode area"),
    ("J1 1AA", "J is not a UK postcode area"),
    ("XM4 5HQ", "XM is not a UK postcode area"),
    ("SW1A 0AC", "never has the letters C, I, K, M, O or V"),
    ("L8 1IM", "never has the letters C, I, K, M, O or V"),
    ("SW1A OAA", "is the O a zero?"),
    ("L8A 1AB", "only some central London districts end in a letter"),
    ("E2W 1AA", "only some central London districts end in a letter"),
    ("EC1Z 1AA", "only some central London districts end in a letter"),
    ("W1I 1AA", "only some central London districts end in a letter"),
    ("L08 1AB", "never starts with 0"),
    ("L123 4AB", "one- or two-digit number"),
    ("LLL8 1AB", "LLL is not a UK postcode area"),
    ("L", "L alone is a whole postcode area"),
    ("", "no postcode was given"),
    ("   ", "no postcode was given"),
    ("L8-1AB", "only letters and digits"),
    ("L8 1AB!", "only letters and digits"),
    ("Ｌ8 1AB", "only letters and digits"),
    ("BFPO", "needs its number"),
    ("BFPO 12345", "one to four digits"),
    ("BFPO 0", "one to four digits"),
    ("BX1 1LT", "organisations' post"),
    ("ASCN 1ZZ", "overseas territory"),
    ("STHL1ZZ", "overseas territory"),
    ("M1 4", "the last part must be a digit and two letters"),
    ("SW1A1AAA", "too long"),
])
def test_invalid_postcodes_say_why(typed: str, reason: str) -> None:
    # every invalid one fails with a reason a volunteer can act on
    with pytest.raises(InvalidPostcode) as e:
        parse_postcode(typed)
    assert reason in e.value.reason
    assert isinstance(e.value, ValueError)


def test_every_area_is_a_one_or_two_letter_code_by_the_position_rules() -> None:
    # the area table obeys the first- and second-letter rules and has the 124 areas
    assert len(AREAS) == 124
    for area in AREAS:
        assert area[0] not in "QVX" and (len(area) == 1 or area[1] not in "IJZ"), area
    assert {"BT", "GY", "JE", "IM", "ZE", "HS", "L", "SW", "WC"} <= AREAS


@given(st.text(max_size=12))
def test_normalise_is_idempotent_on_any_text(text: str) -> None:
    # whatever normalises once normalises to itself
    try:
        once = normalise(text)
    except InvalidPostcode as e:
        assert e.reason
        return
    assert normalise(once) == once


@given(strategies.postcodes().flatmap(lambda c: st.tuples(st.just(c), strategies.typed(c))))
def test_generated_postcodes_parse_however_typed(pair: tuple[str, str]) -> None:
    # every valid postcode built from the rules parses back to itself, however typed
    canonical, typed = pair
    pc = parse_postcode(typed)
    assert pc.canonical == canonical
    assert normalise(pc.canonical) == canonical
    assert pc.area in AREAS and pc.special is None


@given(strategies.outcodes())
def test_generated_outcodes_parse(outcode: str) -> None:
    # every district built from the rules is a valid outcode
    pc = parse_postcode(outcode.lower())
    assert pc.canonical == outcode and pc.is_outcode


@given(strategies.postcodes())
def test_generated_postcodes_are_found_in_a_sentence(canonical: str) -> None:
    # a postcode written in a sentence is found at its position
    text = f"Sign me up please, I live at 12 Some Road, Town {canonical}. Thanks!"
    found = find_postcodes(text)
    assert [f.postcode.canonical for f in found] == [canonical]
    assert text[found[0].start:found[0].end] == found[0].text == canonical


# --- finding postcodes in free text ---------------------------------------------------


def found(text: str, include_outcodes: bool = True) -> list[str]:
    return [m.postcode.canonical for m in find_postcodes(text, include_outcodes)]


@pytest.mark.parametrize("text, expected", [
    ("Hi, sign me up! My postcode is L8 1AB.", ["L8 1AB"]),
    ("hi im in l81ab thanks", ["L8 1AB"]),
    ("address: 10 Downing St, London sw1a  2aa", ["SW1A 2AA"]),
    ("postcode:EC1A1BB", ["EC1A 1BB"]),
    ("I live in M14, near Fallowfield", ["M14"]),
    ("I'm in the M14 area", ["M14"]),
    ("please add me to the SE1 hub", ["SE1"]),
    ("my post code is m14", ["M14"]),
    ("hi, i live in ls6 and want to join", ["LS6"]),
    ("we're based in m14 now", ["M14"]),
    ("im in bs3 cheers", ["BS3"]),
    ("Moved from L8 1AB to M14 5QA last week", ["L8 1AB", "M14 5QA"]),
    ("(SW1A 1AA)", ["SW1A 1AA"]),
    ("SE1P\n", ["SE1P"]),
    ("BFPO 801 please", ["BFPO 801"]),
    ("line one\nGIR 0AA\n", ["GIR 0AA"]),
])
def test_find_postcodes(text: str, expected: list[str]) -> None:
    # postcodes in free text, in order, any case, with or without the space
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "call me on 07700 900123",
    "Order 12345 has not arrived",
    "Order no. AB12 3CD",
    "Ref: L8 1AB",
    "case reference SW1A 1AA",
    "the postcode SW1A 1A is wrong",
    "QQ1 1AA",
    "A1 1AA",
    "print it on A4 paper",
    "a B5 notebook",
    "print on B5 paper",
    "stuck on the M6 again",
    "M62 junction 25",
    "the M6 toll road",
    "M6 toll",
    "down the A34 to Oxford",
    "turn onto the B12",
    "the G7 summit",
    "see you l8r",
    "see you b4 then",
    "i got in b4 you did",
    "im in b4 the rush",
    "mail me at john.m14@example.com",
    "mail me at l81ab@example.org",
    "https://example.org/M14/page",
    "version 2.M14",
    "WD-40",
    "SW1A-1AA-X",
    "M14.5 mm",
    "part M14-B",
    "#M14",
    "L8 1AM at the latest",
    "tel +44 161 496 0000",
    "I live in the L8A 1AB flats",
])
def test_lookalikes_are_not_postcodes(text: str) -> None:
    # phone numbers, references, roads, paper sizes, addresses, slang: none is a postcode
    assert found(text) == [], text


def test_outcodes_can_be_left_out() -> None:
    # include_outcodes=False finds only full postcodes
    assert found("M14 or L8 1AB", include_outcodes=False) == ["L8 1AB"]


def test_match_positions_point_into_the_text() -> None:
    # start/end/text let the caller quote what was found
    text = "Join: Jo Bloggs, l8  1ab, and M14"
    matches = find_postcodes(text)
    assert [(text[m.start:m.end], m.text) for m in matches] == [("l8  1ab", "l8  1ab"),
                                                                 ("M14", "M14")]
    assert matches[0].postcode == Postcode("L8", "1AB", "L")


def test_overlong_text_finds_each_postcode_once() -> None:
    # a long message with many postcodes is scanned in one pass, each found once
    text = " ".join([f"L{n} {n % 10}AB" for n in range(1, 100)] * 3)
    assert len(find_postcodes(text)) == 99 * 3
