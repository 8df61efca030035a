"""The nation or region of every postcode area, read from the table in lists/data/regions.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# In the order tables show them: England's regions north to south, then the nations.
REGIONS: tuple[str, ...] = (
    "North East", "North West", "Yorkshire and the Humber", "East Midlands",
    "West Midlands", "East of England", "London", "South East", "South West",
    "Wales", "Scotland", "Northern Ireland", "Channel Islands", "Isle of Man",
)


@dataclass(frozen=True, slots=True)
class Area:
    """A postcode area: ``Area("L", "Liverpool", "North West")``."""

    code: str
    name: str
    region: str
    note: str = ""


@cache
def areas() -> dict[str, Area]:
    """Every postcode area by its code, as the package's table has it."""
    text = (resources.files("lists") / "data" / "regions.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)["areas"]
    return {code: Area(code, row["name"], row["region"], row.get("note", ""))
            for code, row in table.items()}


def region_of(area: str) -> str | None:
    """The region of a postcode area (``"L"`` -> ``"North West"``); None if unknown."""
    found = areas().get(area)
    return found.region if found else None


def find_region(text: str) -> str | None:
    """The region named by *text*, matched without regard to case or spacing."""
    wanted = " ".join(text.split()).casefold()
    return next((r for r in REGIONS if r.casefold() == wanted), None)
