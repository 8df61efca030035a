"""Route N postcodes against H hubs: parse and route rates, index build time, peak memory.

    python -m bench.route --n 1000000 --hubs 500

Builds H non-overlapping hubs from the real postcode areas and regions (regions,
areas with exclusions, districts and sectors), indexes them once, then parses and
routes N generated postcodes (typed in mixed case, with and without the space) in
chunks, timing parsing and routing apart. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time

from lists.hubs import Coverage, HubSpec
from lists.postcodes import AREAS, INWARD_LETTERS, parse_postcode
from lists.regions import REGIONS
from lists.routing import CoverageIndex, route

CHUNK = 50_000


def make_hubs(count: int, rng: random.Random) -> list[HubSpec]:
    """*count* hubs: ~2% regions, ~15% areas (some excluding a district), the rest
    districts and sectors; no two at the same key."""
    areas = sorted(AREAS)
    used: set[Coverage] = set()
    hubs: list[HubSpec] = []

    def fresh(make: object) -> Coverage:
        for _ in range(1000):
            cov = make() if callable(make) else make
            if cov not in used:
                used.add(cov)
                return cov
        raise RuntimeError("ran out of distinct coverage")

    def district() -> Coverage:
        return Coverage("district", f"{rng.choice(areas)}{rng.randint(1, 40)}")

    def sector() -> Coverage:
        return Coverage("sector", f"{rng.choice(areas)}{rng.randint(1, 40)} {rng.randint(0, 9)}")

    for n in range(count):
        share = n / count
        excludes: tuple[Coverage, ...] = ()
        if share < 0.02:
            cov = fresh(lambda: Coverage("region", rng.choice(REGIONS)))
        elif share < 0.17:
            cov = fresh(lambda: Coverage("area", rng.choice(areas)))
            if rng.random() < 0.3:
                excludes = (Coverage("district", f"{cov.value}{rng.randint(1, 40)}"),)
        elif share < 0.75:
            cov = fresh(district)
        else:
            cov = fresh(sector)
        hubs.append(HubSpec(f"hub-{n}", f"Hub {n}", covers=(cov,), excludes=excludes))
    return hubs


def make_postcodes(count: int, rng: random.Random) -> list[str]:
    areas = sorted(AREAS)
    out = []
    for _ in range(count):
        text = (f"{rng.choice(areas)}{rng.randint(1, 40)}"
                f"{rng.choice(['', ' '])}{rng.randint(0, 9)}"
                f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}")
        out.append(text.lower() if rng.random() < 0.3 else text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="postcodes to route")
    ap.add_argument("--hubs", type=int, default=500, help="hubs to route against")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    hubs = make_hubs(args.hubs, rng)
    t0 = time.perf_counter()
    index = CoverageIndex.from_hubs(hubs)
    index_s = time.perf_counter() - t0

    parse_s = route_s = 0.0
    routed = assigned = 0
    while routed < args.n:
        texts = make_postcodes(min(CHUNK, args.n - routed), rng)
        t0 = time.perf_counter()
        parsed = [parse_postcode(t) for t in texts]
        t1 = time.perf_counter()
        decisions = [route(p, index) for p in parsed]
        t2 = time.perf_counter()
        parse_s += t1 - t0
        route_s += t2 - t1
        assigned += sum(d.hub_slug is not None for d in decisions)
        routed += len(texts)

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "n": routed, "hubs": len(hubs),
        "routes_per_s": round(routed / route_s),
        "parse_per_s": round(routed / parse_s),
        "parse_and_route_per_s": round(routed / (parse_s + route_s)),
        "assigned_share": round(assigned / routed, 3),
        "index_build_ms": round(index_s * 1000, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }))


if __name__ == "__main__":
    main()
