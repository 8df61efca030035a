"""Every postcode area belongs to exactly one known nation or region."""

from __future__ import annotations

from lists.postcodes import AREAS
from lists.regions import REGIONS, areas, find_region, region_of


def test_every_area_is_mapped_to_a_known_region() -> None:
    # the regions table and the postcode areas are the same set; each region is real
    table = areas()
    assert set(table) == set(AREAS)
    for code, area in table.items():
        assert area.region in REGIONS, code
        assert area.name and area.code == code


def test_every_region_has_areas() -> None:
    # no region is left empty (a typo in the table would leave one so)
    used = {a.region for a in areas().values()}
    assert used == set(REGIONS)


def test_nations_and_crown_dependencies() -> None:
    # the areas the issue names land where they belong
    assert region_of("BT") == "Northern Ireland"
    assert region_of("ZE") == region_of("HS") == region_of("G") == "Scotland"
    assert region_of("CF") == region_of("LL") == "Wales"
    assert region_of("GY") == region_of("JE") == "Channel Islands"
    assert region_of("IM") == "Isle of Man"
    assert region_of("L") == "North West" and region_of("SW") == "London"
    assert region_of("QQ") is None


def test_straddling_areas_carry_a_note() -> None:
    # areas that cross a border say which districts lie elsewhere
    for code in ("CH", "SY", "DA", "EN", "KT", "TD", "S", "DN"):
        assert areas()[code].note, code


def test_find_region_ignores_case_and_spacing() -> None:
    # "region:north  west" in a hubs file means North West
    assert find_region("north  west") == "North West"
    assert find_region("Yorkshire and the humber") == "Yorkshire and the Humber"
    assert find_region("Narnia") is None
