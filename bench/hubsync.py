"""Sync a hubs change over N members: plan and apply times, moves, notices, peak memory.

    python -m bench.hubsync --members 100000 --hubs 500

Makes a store with N active members (generated postcodes), syncs H hubs into it,
then drops a tenth of the hubs and times the dry run and the --apply of that change.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.route import make_hubs, make_postcodes
from lists import migrations
from lists.clock import iso, utcnow
from lists.hubsync import sync_hubs
from lists.store import open_db, transaction


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--hubs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        migrations.apply(db)
        now = iso(utcnow())
        with transaction(db):
            db.conn.executemany(
                "INSERT INTO members (email, name, postcode, state, created_at, updated_at) "
                "VALUES (?, ?, ?, 'active', ?, ?)",
                [(f"m{i}@example.org", f"Member {i}", pc, now, now)
                 for i, pc in enumerate(make_postcodes(args.members, rng))])
        hubs = [replace(h, contacts={"membership_secretary": f"members.{h.slug}@example.org"})
                for h in make_hubs(args.hubs, rng)]
        t0 = time.perf_counter()
        sync_hubs(db, hubs, utcnow(), apply=True)
        first_s = time.perf_counter() - t0
        kept = [h for i, h in enumerate(hubs) if i % 10 != 3]
        t0 = time.perf_counter()
        plan = sync_hubs(db, kept, utcnow())
        plan_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = sync_hubs(db, kept, utcnow(), apply=True)
        apply_s = time.perf_counter() - t0
        assert len(done.moves) == len(plan.moves)
        db.close()
    print(json.dumps({
        "members": args.members, "hubs": args.hubs, "first_sync_s": round(first_s, 2),
        "moves": len(done.moves), "plan_s": round(plan_s, 2), "apply_s": round(apply_s, 2),
        "notices": done.notices,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
