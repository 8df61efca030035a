"""National bulletins: a steering-group draft, a preview and a one-time code, then one send.

A mail to the bulletin address from a member of the steering group becomes an
``awaiting`` bulletin; ftm replies to the steering member's address *as the store
holds it* (never to a Reply-To) with the preview, the audience size and a
one-time approval code. Only the approval reply, from that address with that code,
creates the send; the code is single-use, the state moves ``awaiting`` ->
``approved`` once, and the send's ``origin`` (``bulletin:ID``) is unique, so an
approval that arrives twice sends once. A forged From (no code) never starts a
send: the preview goes to the real steering member, who can ignore it.

While the daemon delivers it, ``progress`` tells the sender at 25, 50 and 75 per
cent, and sends the final report (delivered, failed, how many had to wait for the
relay's daily quota) when nothing is left.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from lists import approvals, officers, sends
from lists.clock import iso
from lists.commands import BulletinDraft
from lists.policy import Policy, Result
from lists.replies import Replier
from lists.sends import AudienceError, NewSend

STEPS = (25, 50, 75)


def draft(db: sqlite_utils.Database, cmd: BulletinDraft, now: datetime, policy: Policy,
          r: Replier) -> Result:
    """A draft from the steering group gets a preview and a code; anyone else's goes to review."""
    sender = cmd.origin.email
    holders = [o for o in officers.roles_of(db, sender) if o.role == officers.STEERING]
    if not holders:
        return Result("sent to review", "review", "mail to the bulletin address from someone "
                      "who is not in the steering group")
    to = holders[0].email   # the address as the store holds it
    try:
        audience = sends.resolve_audience(db, cmd.audience)
    except AudienceError as e:
        r.reply(to, "officer/bulletin-problem", {"subject": cmd.subject, "problem": str(e)})
        return Result(f"bulletin not drafted: {e}")
    size = sends.count_audience(db, audience)
    if size == 0:
        r.reply(to, "officer/bulletin-problem", {"subject": cmd.subject,
                                                 "problem": f"{audience.label}: nobody yet"})
        return Result("bulletin not drafted: its audience is empty")
    cur = db.execute(
        "INSERT INTO bulletins (subject, body, audience, audience_size, requested_by, message_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [cmd.subject[:200], cmd.body, cmd.audience, size, to, cmd.origin.message_id, iso(now)])
    bulletin_id = int(cur.lastrowid or 0)
    token = approvals.issue(db, to, "bulletin", bulletin_id, now, policy)
    r.reply(to, "officer/bulletin-preview",
            {"subject": cmd.subject, "body": cmd.body, "audience": audience.label,
             "audience_size": size, **approvals.context(policy, token)})
    return Result(f"bulletin {bulletin_id} drafted for {size} member(s): awaits approval")


def get(db: sqlite_utils.Database, bulletin_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM bulletins WHERE id = ?", [bulletin_id]))
    return rows[0] if rows else None


def decide(db: sqlite_utils.Database, bulletin_id: int, answer: str, approver: str,
           now: datetime, r: Replier) -> Result:
    """Approve (create the one send) or reject an awaiting bulletin."""
    b = get(db, bulletin_id)
    if b is None or b["state"] != "awaiting":
        state = b["state"] if b else "gone"
        r.reply(approver, "officer/approval-done", {"what": "bulletin", "outcome": "already",
                                                    "state": state, "recipients": 0})
        return Result(f"bulletin {bulletin_id} was already {state}: nothing sent")
    if not officers.is_steering(db, approver) or approver.casefold() != \
            b["requested_by"].casefold():
        return Result("sent to review", "review",
                      "a bulletin approved by someone no longer in the steering group")
    if answer == "reject":
        db.execute("UPDATE bulletins SET state = 'rejected' WHERE id = ? AND state = 'awaiting'",
                   [bulletin_id])
        r.reply(approver, "officer/approval-done", {"what": "bulletin", "outcome": "rejected",
                                                    "state": "rejected", "recipients": 0})
        return Result(f"bulletin {bulletin_id} rejected: nothing sent")
    moved = db.execute("UPDATE bulletins SET state = 'approved', approved_at = ? WHERE id = ? "
                       "AND state = 'awaiting'", [iso(now), bulletin_id]).rowcount
    if moved != 1:
        return Result(f"bulletin {bulletin_id} was approved by another message")
    send_id = sends.create(db, NewSend("bulletin", "network/bulletin", b["subject"], b["body"],
                                       b["audience"], approver, {},
                                       origin=f"bulletin:{bulletin_id}"), now)
    db.execute("UPDATE bulletins SET send_id = ? WHERE id = ?", [send_id, bulletin_id])
    total = sends.get(db, send_id).total
    r.reply(approver, "officer/approval-done", {"what": "bulletin", "outcome": "approved",
                                                "state": "approved", "recipients": total})
    return Result(f"bulletin {bulletin_id} approved: send {send_id} to {total} member(s)")


def progress(db: sqlite_utils.Database, send_id: int, waiting_for_quota: bool,
             now: datetime, r: Replier) -> str | None:
    """Tell the sender how a bulletin's send goes; which report was queued, if any.

    Call after each delivery run (inside a transaction). *waiting_for_quota* is True
    when the run stopped because the relay's daily quota was used up.
    """
    b = next(iter(db.query("SELECT * FROM bulletins WHERE send_id = ?", [send_id])), None)
    if b is None or b["finished_at"]:
        return None
    s = sends.summary(db, send_id)
    if waiting_for_quota and s.waiting > b["quota_deferred"]:
        db.execute("UPDATE bulletins SET quota_deferred = ? WHERE id = ?", [s.waiting, b["id"]])
        b["quota_deferred"] = s.waiting
    ctx = {"subject": b["subject"], "total": s.total, "delivered": s.sent, "failed": s.failed,
           "waiting": s.waiting, "quota_deferred": b["quota_deferred"],
           "failures": [f"{n} x {why}" for why, n in s.failures[:5]],
           "next_attempt": f"{s.next_attempt_at:%Y-%m-%d %H:%M} UTC" if s.next_attempt_at
           else "", "percent": 100 if not s.total else (s.total - s.waiting) * 100 // s.total}
    if s.waiting == 0:
        db.execute("UPDATE bulletins SET finished_at = ?, reported_pct = 100 WHERE id = ?",
                   [iso(now), b["id"]])
        r.notify(b["requested_by"], "officer/bulletin-progress", {**ctx, "final": True})
        return "final"
    step = max((p for p in STEPS if ctx["percent"] >= p), default=0)
    if step > b["reported_pct"]:
        db.execute("UPDATE bulletins SET reported_pct = ? WHERE id = ?", [step, b["id"]])
        r.notify(b["requested_by"], "officer/bulletin-progress", {**ctx, "final": False})
        return f"{step}%"
    return None


def recent(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    """The latest bulletins with their state and, once sent, their send's counts."""
    return list(db.query(
        "SELECT b.id, b.subject, b.audience, b.audience_size, b.requested_by, b.state, "
        "b.send_id, b.created_at, b.finished_at, "
        "(SELECT count(*) FROM deliveries d WHERE d.send_id = b.send_id AND d.state = 'sent') "
        "AS delivered, (SELECT count(*) FROM deliveries d WHERE d.send_id = b.send_id "
        "AND d.state = 'failed') AS failed FROM bulletins b ORDER BY b.id DESC LIMIT ?", [limit]))
