"""Inbound throughput: signup mail APPENDed to a private Dovecot, drained by the daemon.

    python bench/inbound.py --n 5000 [--batch-size 50] [--processor stand-in|real]

The daemon's own code drains the inbox (``ftm.daemon.assemble`` + ``drain``, what
``ftm run --once`` does): batched ``BODY.PEEK[]`` fetches, one processor call and one
SQLite transaction per message, MOVE to ``ftm/processed``. ``--processor real`` uses
``ftm.daemon.build_processor`` (the processing entry point, once wired); the default
``stand-in`` parses each message, creates a pending member and queues its
confirmation reply in one transaction, idempotent by Message-ID, as that entry point
will. Ends with one JSON line: ``{"n": ..., "msgs_per_s": ..., "peak_rss_mb": ...}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import sys
import tempfile
import time
from email.parser import BytesParser
from email.policy import default
from email.utils import parseaddr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ftm import daemon  # noqa: E402
from ftm.app import App  # noqa: E402
from inbox.outcome import Outcome, Processor  # noqa: E402
from lists.clock import iso, utcnow  # noqa: E402
from lists.outbox import OutgoingMail, enqueue  # noqa: E402
from lists.store import open_db, transaction  # noqa: E402
from tests.recording import make_message  # noqa: E402
from tests.servers import Dovecot  # noqa: E402

POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b")


def stand_in(db_path: str) -> Processor:
    """A processor doing the work the real one will: parse, member, reply, one transaction."""
    db = open_db(db_path)

    def process(raw: bytes, received_via: str) -> Outcome:
        msg = BytesParser(policy=default).parsebytes(raw)
        mid = str(msg["Message-ID"] or "").strip()
        digest = hashlib.sha256(raw).hexdigest()
        name, addr = parseaddr(str(msg["From"] or ""))
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        m = POSTCODE.search(text.upper())
        postcode = f"{m.group(1)} {m.group(2)}" if m else None
        now = utcnow()
        with transaction(db):
            if db.execute("SELECT 1 FROM inbound_messages WHERE message_id = ? OR "
                          "content_hash = ?", [mid, digest]).fetchone():
                return Outcome(mid, "join", "already processed", duplicate=True)
            cur = db.execute("INSERT INTO members (email, name, postcode, state, created_at, "
                             "updated_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                             [addr, name, postcode, iso(now), iso(now)])
            member_id = int(cur.lastrowid or 0)
            db.execute("INSERT INTO inbound_messages (message_id, content_hash, received_via, "
                       "from_addr, subject, intent, outcome, member_id, received_at) VALUES "
                       "(?, ?, ?, ?, ?, 'join', 'pending member created', ?, ?)",
                       [mid, digest, received_via, addr, str(msg["Subject"] or ""), member_id,
                        iso(now)])
            enqueue(db, OutgoingMail("member/confirm-join", addr, name, {"name": name},
                                     member_id=member_id, in_reply_to=mid), now)
        return Outcome(mid, "join", "pending member created", replies=1)

    return process


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="messages (default 500)")
    ap.add_argument("--batch-size", type=int, default=50, help="[imap] batch_size")
    ap.add_argument("--processor", choices=("stand-in", "real"), default="stand-in")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ftm-bench-"))
    server = Dovecot(users={"ftm": "pw"}).start()
    try:
        client = server.client()
        chunk = 250
        for start in range(0, args.n, chunk):
            client.multiappend("INBOX", [make_message(i) for i in
                                         range(start, min(args.n, start + chunk))])
        client.logout()
        config = work / "ftm.toml"
        config.write_text(
            '[network]\naddress = "network@forthemany.test"\n'
            f'[store]\npath = "{work / "ftm.db"}"\n'
            f'[imap]\nenabled = true\nhost = "127.0.0.1"\nport = {server.port}\n'
            f'security = "none"\nusername = "ftm"\nbatch_size = {args.batch_size}\n')
        os.environ["FTM_IMAP_PASSWORD"] = "pw"  # the daemon reads its secret from here
        app = App(str(config))
        app.db()
        processor = (daemon.build_processor(app) if args.processor == "real"
                     else stand_in(app.settings.store.path))
        spent = [0.0]

        def timed(raw: bytes, via: str) -> Outcome:
            t = time.perf_counter()
            try:
                return processor(raw, via)
            finally:
                spent[0] += time.perf_counter() - t

        d = daemon.assemble(app, daemon.serialized(timed))
        t0 = time.perf_counter()
        handled, _ = d.drain()
        seconds = time.perf_counter() - t0
        db = open_db(app.settings.store.path)
        members = db.execute("SELECT count(*) FROM members").fetchone()[0]
        replies = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        check = server.client()
        left = check.select_folder("INBOX")[b"EXISTS"]
        check.logout()
        if handled != args.n or left or (args.processor == "stand-in"
                                         and (members, replies) != (args.n, args.n)):
            raise SystemExit(f"wrong result: handled {handled}, left {left}, "
                             f"members {members}, replies {replies}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"drained {handled} messages in {seconds:.2f} s: {members} members, "
              f"{replies} replies queued, inbox empty", file=sys.stderr)
        print(json.dumps({"n": args.n, "msgs_per_s": round(args.n / seconds, 1),
                          "peak_rss_mb": round(peak, 1), "processor": args.processor,
                          "batch_size": args.batch_size, "seconds": round(seconds, 2),
                          "processor_s": round(spent[0], 2)}))
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
