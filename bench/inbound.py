"""Inbound throughput: signup mail APPENDed to a private Dovecot, drained by the daemon.

    python bench/inbound.py --n 5000 [--batch-size 50]

Signups written the ways people write them (``ftm.mailmix``) are APPENDed first (not
timed). Then the daemon's own code drains the inbox (``ftm.daemon.assemble`` +
``drain``, what ``ftm run --once`` does) with the real processing entry point:
batched ``BODY.PEEK[]`` fetches; per message, classification and one SQLite
transaction (record, pending member, confirmation or postcode request queued); MOVE
to ``ftm/processed``. Ends with one JSON line:
``{"n": ..., "msgs_per_s": ..., "peak_rss_mb": ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ftm import daemon, mailmix  # noqa: E402
from ftm.app import App  # noqa: E402
from ftm.demo import write_deployment  # noqa: E402
from ftm.embedded import Dovecot  # noqa: E402
from inbox.outcome import Outcome  # noqa: E402
from lists.hubs import load_hubs  # noqa: E402
from lists.hubsync import sync_hubs  # noqa: E402
from lists.store import open_db  # noqa: E402

NETWORK = "forthemany.network@gmail.com"




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="messages (default 500)")
    ap.add_argument("--batch-size", type=int, default=50, help="[imap] batch_size")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ftm-bench-"))
    server = Dovecot(users={"ftm": "pw"}).start()
    try:
        rng = random.Random(1)
        when = datetime(2026, 11, 2, 9, tzinfo=UTC)
        client = server.client()
        chunk = 250
        for start in range(0, args.n, chunk):
            client.multiappend("INBOX", [mailmix.signup(i, rng, NETWORK, when)[1] for i in
                                         range(start, min(args.n, start + chunk))])
        client.logout()
        # the signup-storm guard would (rightly) hold thousands of signups an hour for
        # review: the benchmark measures the path a signup takes when it is let through
        config = write_deployment(work, 9, {
            "imap": {"enabled": True, "host": "127.0.0.1", "port": server.port,
                     "security": "none", "username": "ftm", "batch_size": args.batch_size},
            "limits": {"signups_per_hour": 10_000_000}})
        os.environ["FTM_IMAP_PASSWORD"] = "pw"  # the daemon reads its secret from here
        app = App(str(config))
        sync_hubs(app.db(), load_hubs(app.settings.paths.hubs_file), when, apply=True,
                  notify=False)
        processor = daemon.build_processor(app)
        spent = [0.0]

        def timed(raw: bytes, via: str) -> Outcome:
            t = time.perf_counter()
            try:
                return processor(raw, via)
            finally:
                spent[0] += time.perf_counter() - t

        d = daemon.assemble(app, daemon.serialized(timed), jobs=[])
        t0 = time.perf_counter()
        handled, _ = d.drain()
        seconds = time.perf_counter() - t0
        db = open_db(app.settings.store.path)
        members = db.execute("SELECT count(*) FROM members").fetchone()[0]
        replies = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        check = server.client()
        left = check.select_folder("INBOX")[b"EXISTS"]
        check.logout()
        if handled != args.n or left or (members, replies) != (args.n, args.n):
            raise SystemExit(f"wrong result: handled {handled}, left {left}, "
                             f"members {members}, replies {replies}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"drained {handled} messages in {seconds:.2f} s: {members} members, "
              f"{replies} replies queued, inbox empty", file=sys.stderr)
        print(json.dumps({"n": args.n, "msgs_per_s": round(args.n / seconds, 1),
                          "peak_rss_mb": round(peak, 1),
                          "batch_size": args.batch_size, "seconds": round(seconds, 2),
                          "processor_s": round(spent[0], 2)}))
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
