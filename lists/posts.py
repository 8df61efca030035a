"""Hub posts: what people mail to a hub's address, and who gets it.

* From a member of the hub (or one of its officers) whose From is proven by a DKIM
  pass: ``approved`` at once and sent to the hub's members who get each message
  (a bulk send, kind ``list``, ``hub/post``); the digest readers get it in the next
  digest.
* From a member without that proof: ``confirming``: ftm mails the member an
  approval code (``member/post-confirm``); their reply sends it. A forged From
  therefore reaches nobody.
* From anyone else: ``held`` until one of the hub's officers approves or rejects it
  by replying to ``officer/post-approval`` (each officer gets their own code; the
  first answer decides). A held post reaches nobody.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from lists import approvals, hubref, officers, sends
from lists.clock import iso
from lists.commands import HubPost
from lists.policy import Policy, Result
from lists.replies import Replier
from lists.sends import NewSend


def submit(db: sqlite_utils.Database, cmd: HubPost, now: datetime, policy: Policy,
           r: Replier) -> Result:
    """Store a post and send it, ask its author to confirm, or hold it for an officer."""
    hub = hubref.by_slug(db, cmd.hub_slug)
    if hub is None:
        return Result("sent to review", "review", f"a post to a hub we do not know "
                      f"({cmd.hub_slug})")
    sender = cmd.origin.email
    member_id = hubref.active_member_id(db, sender, hub.id)
    listed = member_id is not None or officers.is_officer_of(db, sender, hub.id)
    state = ("approved" if cmd.origin.proof == "dkim" else "confirming") if listed else "held"
    moderators = sorted({o.email.casefold(): o.email for o in officers.of_hub(db, hub.id)}.values())
    if state == "held" and not moderators:
        return Result("sent to review", "review",
                      f"a post to {hub.slug} from a non-member, and the hub has no officers "
                      "to approve it")
    cur = db.execute(
        "INSERT INTO hub_posts (hub_id, from_addr, from_name, member_id, subject, body, "
        "message_id, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [hub.id, sender, cmd.name, member_id, cmd.subject[:200], cmd.body[:50000],
         cmd.origin.message_id, state, iso(now)])
    post_id = int(cur.lastrowid or 0)
    if state == "approved":
        total = distribute(db, post_id, now)
        return Result(f"post {post_id} to {hub.slug} sent to {total} member(s)",
                      member_id=member_id)
    if state == "confirming":
        token = approvals.issue(db, sender, "own-post", post_id, now, policy)
        r.reply(sender, "member/post-confirm",
                {"hub_name": hub.name, "post": {"subject": cmd.subject, "body": cmd.body},
                 **approvals.context(policy, token)}, cmd.name, member_id, hub.id)
        return Result(f"post {post_id} to {hub.slug}: its author is asked to confirm",
                      member_id=member_id)
    for addr in moderators:
        token = approvals.issue(db, addr, "post", post_id, now, policy)
        r.notify(addr, "officer/post-approval",
                 {"hub_name": hub.name, "post": {"subject": cmd.subject, "body": cmd.body,
                                                 "author": cmd.name or "", "from": sender},
                  **approvals.context(policy, token)}, hub_id=hub.id)
    return Result(f"post {post_id} to {hub.slug} from a non-member held for approval")


def get(db: sqlite_utils.Database, post_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM hub_posts WHERE id = ?", [post_id]))
    return rows[0] if rows else None


def distribute(db: sqlite_utils.Database, post_id: int, now: datetime) -> int:
    """Send an approved post to the hub's each-message members; how many will get it."""
    p = get(db, post_id)
    hub = hubref.by_id(db, p["hub_id"]) if p else None
    if p is None or hub is None:
        return 0
    send_id = sends.create(db, NewSend(
        "list", "hub/post", p["subject"], p["body"], hub.audience("each"), p["from_addr"],
        {"author": p["from_name"] or "", "post_id": post_id}, origin=f"post:{post_id}"), now)
    db.execute("UPDATE hub_posts SET send_id = ? WHERE id = ?", [send_id, post_id])
    return sends.get(db, send_id).total


def decide(db: sqlite_utils.Database, what: str, post_id: int, answer: str, approver: str,
           now: datetime, r: Replier) -> Result:
    """An author confirming their post (``own-post``) or an officer deciding on one (``post``)."""
    p = get(db, post_id)
    waiting = "confirming" if what == "own-post" else "held"
    if p is None or p["state"] != waiting:
        state = p["state"] if p else "gone"
        r.reply(approver, "officer/approval-done", {"what": "post", "outcome": "already",
                                                    "state": state, "recipients": 0})
        return Result(f"post {post_id} was already {state}")
    if what == "post" and not officers.is_officer_of(db, approver, p["hub_id"]):
        return Result("sent to review", "review",
                      "a post approved by someone who no longer holds a role in its hub")
    state = "approved" if answer == "approve" else "rejected"
    db.execute("UPDATE hub_posts SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
               [state, approver, iso(now), post_id])
    approvals.withdraw(db, what, post_id, now)
    total = distribute(db, post_id, now) if state == "approved" else 0
    if what == "post":
        r.reply(approver, "officer/approval-done", {"what": "post", "outcome": state,
                                                    "state": state, "recipients": total})
    return Result(f"post {post_id} {state}" + (f": sent to {total} member(s)" if total else ""))


def held(db: sqlite_utils.Database, hub_slug: str | None = None) -> list[dict[str, Any]]:
    """Posts waiting for their author or an officer."""
    sql = ("SELECT p.id, h.slug AS hub, p.from_addr, p.subject, p.state, p.created_at "
           "FROM hub_posts p JOIN hubs h ON h.id = p.hub_id "
           "WHERE p.state IN ('held', 'confirming')")
    params: list[object] = []
    if hub_slug:
        sql += " AND h.slug = ?"
        params.append(hub_slug)
    return list(db.query(sql + " ORDER BY p.id", params))
