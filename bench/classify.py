"""Parse and classify the inbound corpus replicated to N messages on one core; one JSON line.

    python bench/classify.py --n 20000 [--corpus DIR]

The corpus defaults to ``../shared/corpus/inbound`` beside the repository. Prints
``{"n", "msgs_per_s", "peak_rss_mb", ...}`` as its last line. The process is pinned to one
core and ``msgs_per_s`` is per second of that core's time (``time.process_time``), so
other work on a shared machine does not count against it; ``wall_msgs_per_s`` is the
same run by the wall clock. The same run also times the email package alone on the same
messages (``compat32_parse_per_s``, ``default_parse_per_s``), so the figure can be read
as a ratio to what this machine does at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox.classify import classify  # noqa: E402
from inbox.context import Context  # noqa: E402


def corpus(path: str | None) -> list[bytes]:
    """The messages to replicate: --corpus, else the shared corpus beside the repository."""
    candidates = [Path(path)] if path else [ROOT.parent / "shared" / "corpus" / "inbound"]
    for folder in candidates:
        files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
        if files:
            return [f.read_bytes() for f in files]
    raise SystemExit(f"bench/classify.py: no .eml files in {', '.join(map(str, candidates))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="messages to classify")
    ap.add_argument("--corpus", help="folder of .eml files (default: the shared corpus)")
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    raws = corpus(a.corpus)
    ctx = Context(now=datetime(2025, 6, 1, tzinfo=UTC))
    classify(raws[0], ctx)  # imports and regexes warmed outside the timing
    intents: Counter[str] = Counter()
    chunk = max(a.n // 10, 1)
    chunks: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    chunk_started = cpu_started
    for i in range(a.n):
        intents[classify(raws[i % len(raws)], ctx).intent] += 1
        if (i + 1) % chunk == 0:  # the rate of each tenth: shows how steady the machine was
            now = time.process_time()
            chunks.append(round(chunk / max(now - chunk_started, 1e-9)))
            chunk_started = now
    cpu = time.process_time() - cpu_started
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    baseline = {}
    for name, pol in (("compat32", email_policy.compat32), ("default", email_policy.default)):
        m = min(a.n, 5000)
        t = time.process_time()
        for i in range(m):
            message_from_bytes(raws[i % len(raws)], policy=pol)
        baseline[name] = m / max(time.process_time() - t, 1e-9)
    print(json.dumps({"n": a.n, "msgs_per_s": round(a.n / cpu, 1),
                      "peak_rss_mb": round(peak_kb / 1024, 1),
                      "wall_msgs_per_s": round(a.n / wall, 1), "cpu_seconds": round(cpu, 2),
                      "tenths_msgs_per_s": chunks,
                      "compat32_parse_per_s": round(baseline["compat32"], 1),
                      "default_parse_per_s": round(baseline["default"], 1),
                      "ratio_to_compat32_parse": round(a.n / cpu / baseline["compat32"], 3),
                      "distinct_messages": len(raws), "intents": dict(sorted(intents.items()))}))


if __name__ == "__main__":
    main()
