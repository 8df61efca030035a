"""Applying the hub-list commands: events, posts, bulletins, approvals, "going", delivery mode.

``run(db, command, now, policy, r)`` is called by ``lists.membership.run`` inside the
caller's transaction. Who may do what:

* a role acts only with the role in the store (``lists.officers``) AND proof: the
  round trip of an approval code (``lists.approvals``), which only the holder's
  address receives, or for a member's own post a DKIM pass recorded by the
  deployment's own provider. Anything else from a role address is an ordinary
  member's mail: an event from someone who is not the hub's officer is a post, a
  bulletin from outside the steering group goes to review;
* an approval code works once, only from the address it was mailed to, and only
  with a clear answer: an unclear one is asked again, never taken as a yes.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from lists import approvals, bulletins, events, members, posts
from lists.commands import (
    Approve,
    BulletinDraft,
    EventNotice,
    Going,
    HubPost,
    ListCommand,
    SetDelivery,
)
from lists.policy import Policy, Result
from lists.replies import Replier


def run(db: sqlite_utils.Database, command: ListCommand, now: datetime, policy: Policy,
        r: Replier) -> Result:
    """Apply one hub-list command; call inside ``transaction(db)``."""
    match command:
        case EventNotice():
            res = events.notice(db, command, now, policy, r)
            return posts.submit(db, res, now, policy, r) if isinstance(res, HubPost) else res
        case HubPost():
            return posts.submit(db, command, now, policy, r)
        case BulletinDraft():
            return bulletins.draft(db, command, now, policy, r)
        case Approve():
            return approve(db, command, now, policy, r)
        case Going():
            return events.going(db, command, now, r) or Result(
                "sent to review", "review", "a reply to list mail that answers no event")
        case SetDelivery():
            return set_delivery(db, command, now, r)


def approve(db: sqlite_utils.Database, cmd: Approve, now: datetime, policy: Policy,
            r: Replier) -> Result:
    """An answer to an approval mail: decide the bulletin, event or post it names."""
    sender = cmd.origin.email
    row = approvals.valid(db, cmd.token, sender, now)
    if row is None:
        why = approvals.why_not(db, cmd.token, sender, now)
        if why == "used":
            r.reply(sender, "officer/approval-done", {"what": "request", "outcome": "already",
                                                      "state": "decided", "recipients": 0})
            return Result("approval code already used: nothing done again")
        return Result("sent to review", "review",
                      f"an approval with a code that is {why} for this address")
    what, item_id = str(row.data.get("what")), int(row.data.get("id", 0))
    if what == "event-cancel":
        return cancel_event(db, cmd, item_id, now, r)
    if cmd.answer is None:
        r.reply(sender, "officer/approval-unclear",
                {"what": "post" if what == "own-post" else what,
                 **approvals.context(policy, cmd.token)})
        return Result(f"unclear answer about {what} {item_id}: asked again")
    if not approvals.use(db, cmd.token, sender, now):
        return Result("approval code used by another message: nothing done again")
    match what:
        case "bulletin":
            return bulletins.decide(db, item_id, cmd.answer, sender, now, r)
        case "event":
            return events.decide(db, item_id, cmd.answer, sender, now, policy, r)
        case "post" | "own-post":
            return posts.decide(db, what, item_id, cmd.answer, sender, now, r)
    return Result("sent to review", "review", f"an approval code for {what!r}")


def cancel_event(db: sqlite_utils.Database, cmd: Approve, event_id: int, now: datetime,
                 r: Replier) -> Result:
    """A reply to an approved event's mail: CANCEL calls it off; anything else is for a person.

    The code stays unused when the reply does not ask to cancel ("thanks!", "can we
    move it to 8pm?"), so a later CANCEL still works.
    """
    if not cmd.cancel:
        return Result("sent to review", "review",
                      f"a reply about approved event {event_id} that does not ask to cancel it")
    if not approvals.use(db, cmd.token, cmd.origin.email, now):
        return Result("cancel code used by another message: nothing done again")
    return events.cancel(db, event_id, cmd.origin.email, now, r, note=cmd.note)


def set_delivery(db: sqlite_utils.Database, cmd: SetDelivery, now: datetime,
                 r: Replier) -> Result:
    """A member asks for each message or the digest; they are told what changed."""
    m = members.find(db, cmd.origin.email)
    if m is None or m.state not in ("active", "pending"):
        r.reply(cmd.origin.email, "member/not-a-member", {"request": "delivery"})
        return Result("delivery choice from a non-member: told so")
    change_delivery(db, m.id, cmd.mode, now, "email")
    r.reply(m.email, "member/delivery-changed", {"mode": cmd.mode, "name": m.name}, m.name, m.id,
            m.hub_id)
    return Result(f"delivery set to {cmd.mode}", member_id=m.id)


def change_delivery(db: sqlite_utils.Database, member_id: int, mode: str, now: datetime,
                    actor: str) -> None:
    """Set how a member gets hub mail (``each`` or ``digest``), with an audit row."""
    if mode not in ("each", "digest", "none"):
        raise ValueError(f"delivery is each or digest, not {mode!r}")
    members.update(db, member_id, now, delivery=mode)
    members.audit(db, now, actor, "delivery", member_id, mode=mode)
