"""The hubs file: coverage entries, the example, and every problem named for a volunteer."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from lists.hubs import Coverage, HubsFileError, load_hubs, parse_coverage, parse_hubs


@pytest.mark.parametrize("written, level, value", [
    ("L", "area", "L"),
    ("sw", "area", "SW"),
    ("L8", "district", "L8"),
    ("sw1a", "district", "SW1A"),
    ("L8 1", "sector", "L8 1"),
    ("ec1a  1", "sector", "EC1A 1"),
    ("region:North West", "region", "North West"),
    ("region: scotland", "region", "Scotland"),
])
def test_coverage_entries(written: str, level: str, value: str) -> None:
    # each way of writing coverage reads as its level and canonical value
    assert parse_coverage(written) == Coverage(level, value)


@pytest.mark.parametrize("written, reason", [
    ("QQ", "QQ is not a UK postcode area"),
    ("L8 1AB", "is a full postcode: cover its sector (L8 1) or district (L8)"),
    ("region:Narnia", "not a region"),
    ("L8A", "only some central London districts"),
    ("BFPO 801", "not routed to hubs"),
    ("M1 4A", "the last part must be a digit and two letters"),
])
def test_bad_coverage_entries(written: str, reason: str) -> None:
    # a coverage entry that cannot be read says why
    with pytest.raises(ValueError) as e:
        parse_coverage(written)
    assert reason in str(e.value)


def test_containment() -> None:
    # an exclusion must lie inside a wider entry: sector in district in area in region
    nw, area, district, sector = (parse_coverage(t) for t in
                                  ("region:North West", "L", "L8", "L8 1"))
    assert nw.contains(area) and nw.contains(district) and nw.contains(sector)
    assert area.contains(district) and area.contains(sector) and district.contains(sector)
    assert not sector.contains(district) and not district.contains(district)
    assert not parse_coverage("M").contains(district)
    assert not parse_coverage("region:Scotland").contains(area)
    assert parse_coverage("SW1").contains(parse_coverage("SW1A"))
    assert parse_coverage("SW1").contains(parse_coverage("SW1A 1"))
    assert not parse_coverage("SW1A").contains(parse_coverage("SW1"))


def test_the_example_file_loads() -> None:
    # the example `ftm init` writes is a valid hubs file
    text = (resources.files("lists") / "data" / "hubs.example.toml").read_text()
    hubs = parse_hubs(text)
    assert [h.slug for h in hubs] == ["liverpool-south", "manchester", "scotland"]
    assert hubs[0].contacts["membership_secretary"] == "members.liverpool-south@example.org"
    assert Coverage("district", "L8") in hubs[0].covers
    assert hubs[2].covers == (Coverage("region", "Scotland"),)


def test_overlap_names_both_hubs_and_the_overlap() -> None:
    # two hubs covering the same thing at the same level is an error naming both
    text = """
[[hubs]]
slug = "merseyside"
name = "Merseyside"
covers = ["L", "L8"]
[[hubs]]
slug = "liverpool-south"
name = "Liverpool South"
covers = ["l8", "L17 9"]
"""
    with pytest.raises(HubsFileError) as e:
        parse_hubs(text, "hubs.toml")
    assert len(e.value.problems) == 1
    problem = e.value.problems[0]
    assert "merseyside" in problem and "liverpool-south" in problem and "district L8" in problem
    assert str(e.value).startswith("hubs.toml: 1 problem(s) to fix")


def test_different_levels_do_not_overlap() -> None:
    # an area, a district inside it and a sector inside that may have three hubs
    hubs = parse_hubs("""
[[hubs]]
slug = "a"
name = "A"
covers = ["L"]
[[hubs]]
slug = "b"
name = "B"
covers = ["L8"]
[[hubs]]
slug = "c"
name = "C"
covers = ["L8 1", "region:North West"]
""")
    assert len(hubs) == 3


def test_every_problem_is_listed_at_once() -> None:
    # a volunteer sees all the problems in one go, each naming its hub
    text = """
colour = "red"
[[hubs]]
slug = "Bad Slug"
name = "X"
[[hubs]]
slug = "a"
name = ""
cover = ["L"]
digest = "monthly"
address = "not-an-address"
covers = ["QQ", "L8", "L8"]
excludes = ["M1"]
[hubs.contacts]
membership_secretery = "x@example.org"
chair = "nobody"
[[hubs]]
slug = "a"
name = "Again"
"""
    with pytest.raises(HubsFileError) as e:
        parse_hubs(text)
    text_of = "\n".join(e.value.problems)
    for expected in ["unknown top-level key 'colour'", "hub #1: slug must be lower-case",
                     "hub a: name is missing", "hub a: unknown key 'cover'",
                     "digest must be daily or weekly", "address 'not-an-address'",
                     "QQ is not a UK postcode area", "L8 is listed twice",
                     "excludes M1, which nothing it covers contains",
                     "unknown contact role 'membership_secretery'",
                     "contacts.chair 'nobody' is not an email address",
                     "two hubs have the slug 'a'"]:
        assert expected in text_of, expected


def test_exclusions_inside_coverage_are_fine() -> None:
    # excluding a district of a covered area, or a sector of a covered district
    hubs = parse_hubs("""
[[hubs]]
slug = "merseyside"
name = "Merseyside"
covers = ["L", "CH41"]
excludes = ["L8", "CH41 2"]
""")
    assert hubs[0].excludes == (Coverage("district", "L8"), Coverage("sector", "CH41 2"))


def test_toml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    # unreadable files fail with one clear problem, not a traceback
    with pytest.raises(HubsFileError) as e:
        parse_hubs("[[hubs]\nslug=", "x.toml")
    assert "not valid TOML" in e.value.problems[0]
    with pytest.raises(HubsFileError) as e:
        load_hubs(tmp_path / "missing.toml")
    assert "does not exist" in e.value.problems[0]
    p = tmp_path / "hubs.toml"
    p.write_text('[[hubs]]\nslug = "x"\nname = "X"\ncovers = ["G"]\n')
    assert load_hubs(p)[0].covers == (Coverage("area", "G"),)


def test_address_is_normalised_and_optional() -> None:
    # an empty address means the network's sub-address; a given one is checked
    hubs = parse_hubs("""
[[hubs]]
slug = "a"
name = "A"
address = " hub-a@Example.org "
[[hubs]]
slug = "b"
name = "B"
""")
    assert hubs[0].address == "hub-a@example.org"
    assert hubs[1].address == "" and hubs[1].digest == "weekly"


def test_a_list_address_belongs_to_one_hub() -> None:
    # two hubs with one list address would share each other's posts
    with pytest.raises(HubsFileError) as e:
        parse_hubs('[[hubs]]\nslug = "a"\nname = "A"\naddress = "x@example.org"\n'
                   '[[hubs]]\nslug = "b"\nname = "B"\naddress = "X@example.org"\n')
    assert e.value.problems == ["hubs a and b both have the address X@example.org: a list "
                                "address belongs to one hub"]
