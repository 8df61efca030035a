"""Find postcodes in N message bodies (the classifier's building block): messages/s, MB/s.

    python -m bench.find_postcodes --n 20000

Each body is a few sentences of a join request with a postcode, a phone number, an
order reference and a road name in varying places. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time

from lists.postcodes import find_postcodes

SENTENCES = [
    "Hi, I would like to join the network and commit to the principles.",
    "My postcode is {pc} and I live near the park.",
    "You can call me on 07700 900{n:03d} any evening.",
    "I came down the M6 this morning for order 12{n:03d}.",
    "Please add me to the {oc} hub if there is one.",
    "Thanks for all you do, see you at the next meeting!",
    "Case ref: AB{n:02d} 3CD was about something else entirely.",
    "Printed the leaflets on A4 paper.",
]
POSTCODES = ["L8 1AB", "sw1a1aa", "M14 5QA", "EC1A 1BB", "G1 1AA", "bt7 1nn", "CF10 1AA"]
OUTCODES = ["M14", "L8", "SE1", "NW1", "B5"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="message bodies to scan")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    bodies = []
    for i in range(args.n):
        picked = rng.sample(SENTENCES, k=5)
        text = " ".join(s.format(pc=rng.choice(POSTCODES), oc=rng.choice(OUTCODES), n=i % 1000)
                        for s in picked)
        bodies.append(text * rng.randint(1, 4))
    size = sum(len(b) for b in bodies)
    t0 = time.perf_counter()
    found = sum(len(find_postcodes(b)) for b in bodies)
    took = time.perf_counter() - t0
    print(json.dumps({
        "n": args.n, "mean_chars": round(size / args.n),
        "messages_per_s": round(args.n / took), "mb_per_s": round(size / took / 1e6, 2),
        "candidates_found": found,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
