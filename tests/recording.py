"""A small real processor for the daemon's tests and the inbound benchmark.

It does what the real entry point must: in one SQLite transaction it records the
message in ``inbound_messages`` (idempotent by Message-ID) and queues one reply in the
outbox; a replay returns a duplicate Outcome and changes nothing. The folder follows
the subject: "bounce" -> bounces, "review" -> review, "crash" raises, else processed.
"""

from __future__ import annotations

import hashlib
import time
from email.parser import BytesParser
from email.policy import default
from email.utils import parseaddr
from pathlib import Path

from inbox.outcome import Folder, Outcome
from lists.clock import iso, utcnow
from lists.outbox import OutgoingMail, enqueue
from lists.store import open_db, transaction


class RecordingProcessor:
    """``process(raw, received_via) -> Outcome`` against a real store file."""

    def __init__(self, db_path: str | Path, delay: float = 0.0,
                 busy_timeout_ms: int = 5000) -> None:
        self.db = open_db(db_path, busy_timeout_ms)
        self.delay = delay
        self.calls = 0

    def __call__(self, raw: bytes, received_via: str) -> Outcome:
        self.calls += 1
        msg = BytesParser(policy=default).parsebytes(raw, headersonly=True)
        digest = hashlib.sha256(raw).hexdigest()
        mid = str(msg.get("Message-ID") or f"<sha256-{digest[:24]}>").strip()
        subject = str(msg.get("Subject") or "")
        if "crash" in subject:
            raise RuntimeError("the test processor was told to crash")
        folder: Folder = ("bounces" if "bounce" in subject else
                          "review" if "review" in subject else "processed")
        intent = {"bounces": "bounce", "review": "review"}.get(folder, "join")
        sender = parseaddr(str(msg.get("From") or ""))[1] or "unknown@example.org"
        now = utcnow()
        with transaction(self.db):
            if self.db.execute("SELECT 1 FROM inbound_messages WHERE message_id = ? "
                               "OR content_hash = ?", [mid, digest]).fetchone():
                return Outcome(mid, intent, "already processed", folder, duplicate=True)
            self.db.execute(
                "INSERT INTO inbound_messages (message_id, content_hash, received_via, "
                "from_addr, subject, intent, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?, "
                "?, ?)", [mid, digest, received_via, sender, subject, intent, folder, iso(now)])
            replies = 0
            if folder == "processed":
                enqueue(self.db, OutgoingMail("member/confirm-join", sender, in_reply_to=mid),
                        now)
                replies = 1
            if self.delay:
                time.sleep(self.delay)  # widens the window a crash can land in
        return Outcome(mid, intent, "recorded", folder, replies=replies)

    def close(self) -> None:
        self.db.close()


def make_message(i: int, subject: str = "sign me up", size: int = 0,
                 domain: str = "example.org") -> bytes:
    """Message number *i*: unique Message-ID and sender, *subject*, padded to *size*."""
    body = f"Hello, please add me. My postcode is L8 {i % 9 + 1}AB.\r\n"
    if size:
        line = "x" * 76 + "\r\n"
        body += line * max(0, (size - len(body)) // len(line))
    return (f"From: Person {i} <person{i}@{domain}>\r\nTo: network@forthemany.test\r\n"
            f"Subject: {subject}\r\nMessage-ID: <msg-{i}@{domain}>\r\n"
            f"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n{body}").encode()


def subject_for(i: int) -> str:
    """A mix of subjects: mostly signups, some for review, some bounces."""
    return {0: "sign me up", 1: "sign me up", 2: "please add me", 3: "sign me up",
            4: "for review: what is this?", 5: "sign me up", 6: "Undelivered: bounce",
            7: "count me in"}[i % 8]
