"""An ftm-like daemon process for the crash tests: the real daemon, the test processor.

    python tests/daemon_proc.py CONFIG [--delay SECONDS] [--once]

It does what ``ftm run`` does (settings, migrations, ``ftm.daemon.assemble``, signals,
systemd notify) with ``tests.recording.RecordingProcessor`` in place of the real
processing entry point, so tests can SIGKILL and SIGTERM it at will.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ftm import daemon  # noqa: E402
from ftm.app import App, setup_logging  # noqa: E402
from tests.recording import RecordingProcessor  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args()
    setup_logging("INFO")
    app = App(args.config)
    app.db()  # migrations, as ftm run does
    processor = RecordingProcessor(app.settings.store.path, delay=args.delay)
    d = daemon.assemble(app, daemon.serialized(processor))
    if args.once:
        handled, failed = d.drain()
        print(f"drained {handled}", flush=True)
        return 1 if failed else 0
    return d.run()


if __name__ == "__main__":
    sys.exit(main())
