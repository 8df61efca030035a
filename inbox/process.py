"""The one entry point for inbound mail: ``process(raw_bytes, received_via) -> Outcome``.

Parse and classify (pure, outside any transaction), then in ONE transaction: skip a
message seen before (by Message-ID, else by a hash of its bytes), record it, apply its
command and queue every reply. Only after this returns may the caller move or flag
the message: a crash at any point replays safely.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import sqlite_utils

from inbox.classify import classify
from inbox.context import Context
from inbox.interpret import Replied, to_command
from inbox.outcome import Outcome
from lists import erasure, members, membership, review
from lists.clock import iso, utcnow
from lists.policy import Policy, Result
from lists.store import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Processing:
    """What ``process`` needs besides the message: the classifier's context and the rules."""

    context: Context
    policy: Policy
    clock: Callable[[], datetime] = utcnow


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _seen(db: sqlite_utils.Database, message_id: str | None, digest: str) -> Outcome | None:
    row = db.execute(
        "SELECT message_id, intent, outcome, folder, reason FROM inbound_messages "
        "WHERE content_hash = ? OR (message_id IS NOT NULL AND message_id = ?) LIMIT 1",
        [digest, message_id]).fetchone()
    if row is None:
        return None
    return Outcome(message_id=row[0] or "", intent=row[1] or "",
                   action="duplicate: " + (row[2] or ""), folder=row[3], reason=row[4] or "",
                   duplicate=True)


def process(db: sqlite_utils.Database, raw: bytes, received_via: str,
            p: Processing) -> Outcome:
    """Process one message; commits before returning. Raises only when the store fails."""
    now = p.clock()
    ctx = replace(p.context, now=now)
    c = classify(raw, ctx)
    digest = content_hash(raw)
    message_id = c.message_id or None
    with transaction(db):
        seen = _seen(db, message_id, digest)
        if seen is not None:
            return seen
        command = to_command(c, received_via, p.policy, ctx, _replied(db, c.reply_to_ours))
        cur = db.execute(
            "INSERT INTO inbound_messages (message_id, content_hash, received_via, from_addr, "
            "about_addr, subject, intent, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [message_id, digest, received_via, c.from_addr or c.email,
             c.email if c.email and c.email.lower() != (c.from_addr or "").lower() else None,
             (c.subject or "")[:200], c.intent, iso(now)])
        inbound_id = int(cur.lastrowid or 0)
        result = membership.run(db, command, now, p.policy, in_reply_to=message_id)
        _record(db, inbound_id, result, raw, now)
    if result.action == "personal data erased":
        erasure.checkpoint(db)
    return Outcome(message_id=message_id or f"<sha256:{digest[:16]}>", intent=c.intent,
                   action=result.action, folder=result.folder,  # type: ignore[arg-type]
                   reason=result.reason, replies=result.replies)


JOINING = ("join", "join_commit", "commit", "org_join")


class StillForReview(Exception):
    """The message, read as the volunteer said, still needs a person: nothing was done."""


def resolve(db: sqlite_utils.Database, item_id: int, intent: str, p: Processing, actor: str,
            postcode: str | None = None, name: str | None = None) -> Outcome:
    """Act on a review-queue message as a volunteer reads it, in one transaction.

    The message is classified again and its intent (and, when given, the postcode
    and name) replaced by the volunteer's reading; then it is applied exactly as
    ``process`` would, replies queued, the inbound record updated and the queue item
    closed. Safeguards stay: a join still needs the person's confirmation, an
    erasure its token mail, and a replayed resolution does nothing. A join from an
    address that had asked to be erased lifts that block: the volunteer decided. Raises
    ``LookupError`` for an unknown or closed item, ``ValueError`` for an intent a
    volunteer cannot choose, and ``StillForReview`` (nothing changed) when the result
    would go back to review.
    """
    if intent not in review.RESOLVABLE:
        raise ValueError(f"{intent!r} is not one of {', '.join(review.RESOLVABLE)}")
    now = p.clock()
    ctx = replace(p.context, now=now)
    with transaction(db):
        item = review.get(db, item_id)
        if item is None:
            raise LookupError(f"no review item {item_id}")
        if item.resolved_at is not None:
            raise LookupError(f"review item {item_id} was resolved already: {item.resolution}")
        c = classify(item.raw, ctx)
        c = replace(c, intent=intent, confidence=1.0,
                    reasons=(*c.reasons, f"read as {intent} by a volunteer"),
                    postcode=postcode or c.postcode, name=name or c.name)
        who = c.email or c.from_addr
        if intent in JOINING and who and members.unsuppress(db, who, p.policy.suppression_key):
            # the address had asked to be erased: the volunteer decided it may join again
            # (the person's own confirmation is still needed)
            members.audit(db, now, actor, "suppression-lifted", item=item.id)
        command = to_command(c, "review", p.policy, ctx, _replied(db, c.reply_to_ours))
        result = membership.run(db, command, now, p.policy, in_reply_to=c.message_id or None)
        if result.folder == "review":
            raise StillForReview(result.reason or result.action)
        db.execute("UPDATE inbound_messages SET intent = ?, outcome = ?, folder = ?, reason = ?, "
                   "member_id = ? WHERE id = ?", [intent, result.action, result.folder,
                                                  f"resolved by {actor}", result.member_id,
                                                  item.inbound_id])
        review.close(db, item, f"{intent}: {result.action}", actor, now, result.member_id)
    if result.action == "personal data erased":
        erasure.checkpoint(db)
    return Outcome(message_id=c.message_id, intent=intent, action=result.action,
                   folder=result.folder,  # type: ignore[arg-type]
                   reason=result.reason, replies=result.replies)


def _replied(db: sqlite_utils.Database, outbox_id: int | None) -> Replied | None:
    if outbox_id is None:
        return None
    row = db.execute("SELECT template, context FROM outbox WHERE id = ?", [outbox_id]).fetchone()
    return Replied(row[0], json.loads(row[1] or "{}")) if row else None


def _record(db: sqlite_utils.Database, inbound_id: int, result: Result, raw: bytes,
            now: datetime) -> None:
    db.execute("UPDATE inbound_messages SET outcome = ?, folder = ?, reason = ?, member_id = ? "
               "WHERE id = ?", [result.action, result.folder, result.reason or None,
                                result.member_id, inbound_id])
    if result.folder == "review":
        db.execute("INSERT INTO review_items (inbound_id, reason, raw, created_at) "
                   "VALUES (?, ?, ?, ?)", [inbound_id, result.reason, raw, iso(now)])


def processor(db: sqlite_utils.Database, p: Processing) -> Callable[[bytes, str], Outcome]:
    """``process`` bound to a store and rules: the ``Processor`` the watcher calls."""
    def run(raw: bytes, received_via: str) -> Outcome:
        return process(db, raw, received_via, p)
    return run
