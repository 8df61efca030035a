"""The hubs file: each hub, its contacts and the postcodes it covers, read and checked.

Pure: ``parse_hubs(text)`` turns the TOML text into ``HubSpec`` values or raises
``HubsFileError`` listing every problem at once, so a volunteer fixes them in one go.
``lists.hubsync`` loads the result into the store. The format (``ftm init`` writes an
example)::

    [[hubs]]
    slug = "liverpool-south"          # lower case, digits and hyphens; never changes
    name = "Liverpool South"
    address = ""                      # empty: the network address + "+hub-SLUG"
    digest = "weekly"                 # daily | weekly
    covers = ["L8", "L17", "L19 2"]   # area "L", district "L8", sector "L8 1",
    excludes = ["L17 9"]              #   or "region:North West"
    [hubs.contacts]
    membership_secretary = "members.liverpool-south@example.org"

Exceptions::

    HubsFileError (ValueError)   .problems: one line per problem, naming hub and entry
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from lists.postcodes import AREAS, InvalidPostcode, parse_postcode
from lists.regions import REGIONS, find_region, region_of

LEVELS = ("sector", "district", "area", "region")       # most specific first
ROLES = ("chair", "secretary", "membership_secretary", "campaigns_coordinator",
         "treasurer", "representative")
DIGESTS = ("daily", "weekly")
HUB_KEYS = {"slug", "name", "address", "digest", "covers", "excludes", "contacts"}
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?")
_SECTOR = re.compile(r"([A-Z0-9]{2,4}) ([0-9])")


class HubsFileError(ValueError):
    """The hubs file cannot be used; ``problems`` has one line for each thing to fix."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        head = f"{source}: {len(problems)} problem(s) to fix"
        super().__init__(head + "".join(f"\n  - {p}" for p in problems))


@dataclass(frozen=True, slots=True, order=True)
class Coverage:
    """One entry of ``covers`` or ``excludes``: ``Coverage("district", "L8")``."""

    level: str       # sector | district | area | region
    value: str       # "L8 1" | "L8" | "L" | "North West"

    def __str__(self) -> str:
        return f"{self.level} {self.value}"

    @property
    def written(self) -> str:
        """As the hubs file writes it: ``L8 1``, ``L8``, ``L``, ``region:North West``."""
        return f"region:{self.value}" if self.level == "region" else self.value

    def contains(self, other: Coverage) -> bool:
        """True when *other* lies inside this entry and is more specific."""
        return self.value in _ancestors(other)


@dataclass(frozen=True, slots=True)
class HubSpec:
    """A hub as the file describes it."""

    slug: str
    name: str
    address: str = ""
    digest: str = "weekly"
    contacts: Mapping[str, str] = field(default_factory=dict)
    covers: tuple[Coverage, ...] = ()
    excludes: tuple[Coverage, ...] = ()


def parse_coverage(text: str) -> Coverage:
    """Read one coverage entry: ``"l8 1"`` -> sector ``L8 1``; raises ``ValueError``.

    ``region:NAME`` names a region; one or two letters an area; a district (``L8``,
    ``SW1A``) or a sector (the district, a space and the sector digit: ``L8 1``).
    """
    raw = " ".join(str(text).split())
    if raw.lower().startswith("region:"):
        name = find_region(raw[len("region:"):])
        if name is None:
            raise ValueError(f"{raw!r} is not a region; the regions are: "
                             + ", ".join(REGIONS))
        return Coverage("region", name)
    up = raw.upper()
    if up.startswith(("BFPO", "GIR")):
        raise ValueError(f"{raw!r}: forces and Girobank addresses are not routed to hubs")
    if up.isalpha() and 0 < len(up) <= 2:
        if up not in AREAS:
            raise ValueError(f"{up} is not a UK postcode area")
        return Coverage("area", up)
    sector = _SECTOR.fullmatch(up)
    outward = sector.group(1) if sector else up
    try:
        pc = parse_postcode(outward)
    except InvalidPostcode as e:
        raise ValueError(f"{raw!r}: {e.reason}") from None
    if pc.special:
        raise ValueError(f"{raw!r}: {pc.special} addresses are not routed to hubs")
    if not pc.is_outcode:
        raise ValueError(f"{pc.canonical} is a full postcode: cover its sector "
                         f"({pc.sector}) or district ({pc.district}) instead")
    if sector:
        return Coverage("sector", f"{pc.outward} {sector.group(2)}")
    return Coverage("district", pc.outward)


def load_hubs(path: str | Path) -> list[HubSpec]:
    """Read and check the hubs file at *path* (see ``parse_hubs``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HubsFileError(str(p), ["the file does not exist (`ftm init` writes an "
                                     "example to start from)"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise HubsFileError(str(p), [f"cannot read it: {e}"]) from None
    return parse_hubs(text, str(p))


def parse_hubs(text: str, source: str = "hubs.toml") -> list[HubSpec]:
    """The hubs described by TOML *text*; ``HubsFileError`` lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise HubsFileError(source, [f"not valid TOML: {e}"]) from None
    problems: list[str] = [f"unknown top-level key {k!r} (expected [[hubs]] tables)"
                           for k in data if k != "hubs"]
    rows = data.get("hubs", [])
    if not isinstance(rows, list):
        raise HubsFileError(source, ["`hubs` must be a list of [[hubs]] tables"])
    hubs: list[HubSpec] = []
    for n, row in enumerate(rows, start=1):
        hub = _hub(row, f"hub #{n}", problems)
        if hub is not None:
            hubs.append(hub)
    problems += _duplicates(hubs) + _overlaps(hubs)
    if problems:
        raise HubsFileError(source, problems)
    return hubs


def _hub(row: Any, where: str, problems: list[str]) -> HubSpec | None:
    """One [[hubs]] table as a HubSpec; what is wrong goes to *problems*."""
    if not isinstance(row, dict):
        problems.append(f"{where}: must be a [[hubs]] table")
        return None
    slug = row.get("slug")
    if isinstance(slug, str) and _SLUG.fullmatch(slug):
        where = f"hub {slug}"
    else:
        problems.append(f"{where}: slug must be lower-case letters, digits and hyphens "
                        f"(like liverpool-south), not {slug!r}")
        slug = f"({where})"
    problems += [f"{where}: unknown key {k!r} (known: {', '.join(sorted(HUB_KEYS))})"
                 for k in row if k not in HUB_KEYS]
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: name is missing")
        name = ""
    address = _address(row.get("address", ""), f"{where}: address", problems, empty_ok=True)
    digest = row.get("digest", "weekly")
    if digest not in DIGESTS:
        problems.append(f"{where}: digest must be daily or weekly, not {digest!r}")
    contacts = _contacts(row.get("contacts", {}), where, problems)
    covers = _coverages(row.get("covers", []), f"{where}: covers", problems)
    excludes = _coverages(row.get("excludes", []), f"{where}: excludes", problems)
    for ex in excludes:
        if not any(c.contains(ex) for c in covers):
            problems.append(f"{where}: excludes {ex.written}, which nothing it covers "
                            "contains (an exclusion must lie inside a wider entry)")
    return HubSpec(slug, name.strip(), address, str(digest), contacts, covers, excludes)


def _address(value: Any, where: str, problems: list[str], empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        problems.append(f"{where} must be text, not {value!r}")
        return ""
    value = value.strip()
    if not value and empty_ok:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        problems.append(f"{where} {value!r} is not an email address: {e}")
        return ""


def _contacts(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: contacts must be a [hubs.contacts] table")
        return {}
    out = {}
    for role, addr in value.items():
        if role not in ROLES:
            problems.append(f"{where}: unknown contact role {role!r} "
                            f"(known: {', '.join(ROLES)})")
            continue
        out[role] = _address(addr, f"{where}: contacts.{role}", problems)
    return out


def _coverages(value: Any, where: str, problems: list[str]) -> tuple[Coverage, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where} must be a list such as [\"L8\", \"L17\"]")
        return ()
    out: list[Coverage] = []
    for entry in value:
        try:
            cov = parse_coverage(entry)
        except ValueError as e:
            problems.append(f"{where}: {e}")
            continue
        if cov in out:
            problems.append(f"{where}: {cov.written} is listed twice")
        else:
            out.append(cov)
    return tuple(out)


def _duplicates(hubs: list[HubSpec]) -> list[str]:
    """Slugs and list addresses are each one hub's own."""
    slugs: set[str] = set()
    addresses: dict[str, str] = {}
    problems = []
    for hub in hubs:
        if hub.slug in slugs:
            problems.append(f"two hubs have the slug {hub.slug!r}: each needs its own")
        slugs.add(hub.slug)
        if hub.address:
            other = addresses.setdefault(hub.address.lower(), hub.slug)
            if other != hub.slug:
                problems.append(f"hubs {other} and {hub.slug} both have the address "
                                f"{hub.address}: a list address belongs to one hub")
    return problems


def _overlaps(hubs: list[HubSpec]) -> list[str]:
    """Two hubs may not cover the same thing at the same level."""
    owner: dict[Coverage, str] = {}
    problems = []
    for hub in hubs:
        for cov in hub.covers:
            other = owner.setdefault(cov, hub.slug)
            if other != hub.slug:
                problems.append(f"hubs {other} and {hub.slug} both cover {cov}: one place "
                                "at one level can have only one hub (give one of them a "
                                "more specific entry, or an exclusion)")
    return problems


def _ancestors(cov: Coverage) -> set[str]:
    """The values of the wider entries that contain *cov*: its district, the district a
    lettered one splits (SW1 for SW1A), its area and region. No two levels share a value.
    """
    if cov.level == "region":
        return set()
    if cov.level == "area":
        return {region_of(cov.value) or ""}
    district = parse_postcode(cov.value.split(" ")[0])
    out = {district.area, region_of(district.area) or "", district.parent_district or ""}
    if cov.level == "sector":
        out.add(district.outward)
    return out - {""}
