"""Import N members from a generated CSV: reading, the dry run, and --apply in each mode.

    python -m bench.import_members --rows 20000 --hubs 500

Makes a store with H hubs (each with a membership secretary) and a CSV of N people with
generated names and postcodes, a few rows with a problem (a bad address, a repeat),
then times reading the file, the dry run, the invite import (pending members, a
confirmation each, through the join code) and, on a fresh store, the active import
(consent by import, routed, one summary per hub); then the same file again (nothing to
do). Each --apply is one transaction. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from importlib import resources
from pathlib import Path

from bench.route import make_hubs, make_postcodes
from lists import migrations
from lists.clock import utcnow
from lists.hubs import HubSpec
from lists.hubsync import sync_hubs
from lists.imports import ImportOptions, ImportPlan, import_members
from lists.memberfile import MemberFile, read_member_file
from lists.policy import Policy
from lists.principles import parse_principles
from lists.store import open_db


def make_csv(rows: int, rng: random.Random) -> bytes:
    lines = ["Email,First name,Last name,Post code"]
    for i, pc in enumerate(make_postcodes(rows, rng)):
        email = f"person{i}@example.org"
        if i % 500 == 7:
            email = "not-an-address"
        elif i % 500 == 9:
            email = f"person{i - 2}@example.org"          # a repeat
        lines.append(f"{email},Person,Number {i},{pc}")
    return ("\r\n".join(lines) + "\r\n").encode()


def store(folder: Path, name: str, hubs: list[HubSpec]):  # type: ignore[no-untyped-def]
    db = open_db(folder / name)
    migrations.apply(db)
    sync_hubs(db, hubs, utcnow() - timedelta(days=1), apply=True, notify=False)
    return db


def timed(db, file: MemberFile, policy: Policy, options: ImportOptions,  # type: ignore[no-untyped-def]
          apply: bool) -> tuple[float, ImportPlan]:
    t0 = time.perf_counter()
    plan = import_members(db, file, utcnow(), policy, options, apply=apply)
    return time.perf_counter() - t0, plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--hubs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    text = (resources.files("lists") / "data" / "principles.md").read_text()
    policy = Policy(address="network@example.org", delimiter="+",
                    principles=parse_principles(text), suppression_key=b"bench-key")
    hubs = [replace(h, contacts={"membership_secretary": f"members.{h.slug}@example.org"})
            for h in make_hubs(args.hubs, rng)]
    data = make_csv(args.rows, rng)
    invite = ImportOptions("invite", max_invites=args.rows)
    active = ImportOptions("active", note="bench: paper forms")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        file = read_member_file(data)
        read_s = time.perf_counter() - t0
        db = store(Path(tmp), "invite.db", hubs)
        dry_s, plan = timed(db, file, policy, invite, apply=False)
        invite_s, invited = timed(db, file, policy, invite, apply=True)
        again_s, again = timed(db, file, policy, invite, apply=True)
        db.close()
        db = store(Path(tmp), "active.db", hubs)
        active_s, activated = timed(db, file, policy, active, apply=True)
        db.close()
    assert len(plan.new) == len(invited.new) == len(activated.new) and not again.new
    print(json.dumps({
        "rows": args.rows, "hubs": args.hubs, "new": len(invited.new),
        "skipped": len(invited.problems), "read_s": round(read_s, 2),
        "dry_run_s": round(dry_s, 2), "invite_apply_s": round(invite_s, 2),
        "invite_mails": invited.mails, "active_apply_s": round(active_s, 2),
        "active_mails": activated.mails, "reimport_s": round(again_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
