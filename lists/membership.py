"""Applying a membership command: join, commit, leave, move, status, help, bounces.

``run(db, command, now, policy)`` is called inside the caller's transaction and
returns a ``Result``; replies are queued in the outbox in that same transaction.
Who may do what:

* joining needs nothing, but becoming *active* needs proof that the sender reads
  mail at the address: a confirm token, a reply to our confirmation mail (its
  Message-ID carries an HMAC), or, where the deployment allows it, a DKIM pass
  recorded by its own provider;
* leave, move, status and help answer only to the address itself, so a forged From
  can at most make ftm write to that address, within the daily reply cap.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists import erasure, listmail, members, officers, routing, tokens
from lists.commands import (
    Approve,
    Bounce,
    BulletinDraft,
    Command,
    Commit,
    Erase,
    EventNotice,
    Going,
    Help,
    HubPost,
    Ignore,
    Join,
    Leave,
    Move,
    Origin,
    Review,
    SetDelivery,
    Status,
)
from lists.members import Member
from lists.policy import Policy, Result
from lists.replies import Replier

HARD_BOUNCE_SCORE = 1.0
SOFT_BOUNCE_SCORE = 0.25
CONFIRM_TEMPLATES = ("member/confirm-join", "member/reminder")


def run(db: sqlite_utils.Database, command: Command, now: datetime, policy: Policy,
        in_reply_to: str | None = None) -> Result:
    """Apply *command*; call inside ``transaction(db)``."""
    r = Replier(db, now, policy.replies_per_day, policy.suppression_key, in_reply_to)
    match command:
        case Ignore(why=why):
            res = Result(f"ignored: {why}")
        case Review(reason=reason):
            res = Result("sent to review", folder="review", reason=reason)
        case Bounce():
            res = _bounce(db, command, now, policy, r)
        case Join():
            res = _join(db, command, now, policy, r)
        case Commit():
            res = _commit(db, command, now, policy, r)
        case Leave():
            res = _leave(db, command, now, policy, r)
        case Erase():
            res = erasure.request(db, command.origin, now, policy, r)
        case Move():
            res = _move(db, command, now, policy, r)
        case Status():
            res = _status(db, command.origin, now, r)
        case Help():
            r.reply(command.origin.email, "member/help", {})
            res = Result("help sent")
        case EventNotice() | HubPost() | BulletinDraft() | Approve() | Going() | SetDelivery():
            res = listmail.run(db, command, now, policy, r)
    return Result(res.action, res.folder, res.reason, res.member_id, len(r.queued),
                  tuple(r.held_back))


def _reload(db: sqlite_utils.Database, m: Member) -> Member:
    fresh = members.get(db, m.id)
    if fresh is None:
        raise LookupError(f"member {m.id} vanished inside its own transaction")
    return fresh


# --- join and confirm -------------------------------------------------------------------

def _join(db: sqlite_utils.Database, cmd: Join, now: datetime, policy: Policy,
          r: Replier) -> Result:
    email = cmd.origin.email
    if members.is_suppressed(db, email, policy.suppression_key):
        return Result("sent to review", "review",
                      "this address asked to be erased; a person must decide on a new signup")
    m = members.find(db, email)
    if m is None:
        storm = _signup_storm(db, cmd.origin, now, policy)
        if storm:
            return Result("sent to review", "review", storm)
    kind = "organisation" if cmd.organisation else "person"
    name = cmd.organisation or cmd.name
    if m is not None and m.state == "active":
        r.reply(email, "member/already-member", _member_context(db, m), m.name, m.id)
        return Result("already a member: told so", member_id=m.id)
    if m is None:
        m = members.create(db, email, name, cmd.postcode, now, kind)
        action = "pending member created"
    else:
        fields: dict[str, Any] = {"state": "pending", "kind": kind}
        if name:
            fields["name"] = name
        if cmd.postcode:
            fields["postcode"] = cmd.postcode
        members.update(db, m.id, now, **fields)
        members.audit(db, now, "email", "signup again", m.id, previous_state=m.state)
        m = _reload(db, m)
        action = "pending member updated"
    if cmd.commitment and cmd.origin.proof == "dkim" and policy.trust_dkim_for_join:
        return _activate(db, m, cmd.origin, "dkim", now, policy, r)
    return _ask_or_confirm(db, m, now, policy, r, action)


def invite(db: sqlite_utils.Database, email: str, name: str | None, postcode: str | None,
           now: datetime, policy: Policy, r: Replier, kind: str = "person",
           actor: str = "email") -> Result:
    """A new *pending* member and the mail a join by email gets: the confirmation with the
    principles, or, without a postcode, the request for one. They become active only
    when they confirm. *actor* names who made them in the audit log (an import, or mail).
    """
    m = members.create(db, email, name, postcode, now, kind, actor=actor)
    return _ask_or_confirm(db, m, now, policy, r, "pending member created")


def _signup_storm(db: sqlite_utils.Database, origin: Origin, now: datetime,
                  policy: Policy) -> str | None:
    """Why a new signup must wait for a person, or None: too many network-wide in the last
    hour, or too many made by one sender's mail in the last day."""
    if members.signups_since(db, now - timedelta(hours=1)) >= policy.signups_per_hour:
        return f"more than {policy.signups_per_hour} signups in the last hour"
    if origin.sender and members.signups_by_sender(
            db, origin.sender, now - timedelta(days=1)) >= policy.signups_per_sender_per_day:
        return (f"this sender's mail already made {policy.signups_per_sender_per_day} "
                "signups today")
    return None


def _ask_or_confirm(db: sqlite_utils.Database, m: Member, now: datetime, policy: Policy,
                    r: Replier, action: str) -> Result:
    if not m.postcode:
        r.reply(m.email, "member/ask-postcode",
                {"name": m.name, "invited": members.signed_up_by(db, m.id) not in (None, "email")},
                m.name, m.id)
        return Result(f"{action}; postcode asked for", member_id=m.id)
    send_confirmation(db, m, now, policy, r, "member/confirm-join")
    return Result(f"{action}; confirmation sent", member_id=m.id)


def send_confirmation(db: sqlite_utils.Database, m: Member, now: datetime, policy: Policy,
                      r: Replier, template: str) -> int | None:
    """Queue the confirmation (or its reminder) with a fresh single-use confirm token."""
    tokens.revoke(db, m.email, "confirm")
    token = tokens.issue(db, "confirm", m.email, now, policy.token_ttl, m.id)
    ctx = {"name": m.name, "postcode": m.postcode, "kind": m.kind,
           "principles": list(policy.principles.items),
           "principles_version": policy.principles.version,
           "confirm_address": policy.sub_address(f"confirm-{token}"),
           "reply_to": policy.sub_address(f"confirm-{token}"),
           "expires_days": policy.token_ttl.days,
           # an imported member never asked us: the mail says where we had them from
           "invited": members.signed_up_by(db, m.id) not in (None, "email")}
    return r.reply(m.email, template, ctx, m.name, m.id)


def _proof_of_confirmation(db: sqlite_utils.Database, origin: Origin, now: datetime,
                           policy: Policy) -> tuple[str | None, Member | None]:
    """('token'|'reply'|'dkim', member) when the message proves a confirmation, else (None, m)."""
    if origin.token and origin.token_action == "confirm":
        row = tokens.redeem(db, origin.token, "confirm", origin.email, now)
        if row is None:
            return None, members.find(db, origin.email)
        m = members.get(db, row.member_id) if row.member_id else members.find(db, row.email)
        return "token", m
    m = members.find(db, origin.email)
    if origin.reply_to_outbox is not None and m is not None:
        row = db.execute(
            "SELECT template, to_addr, created_at FROM outbox WHERE id = ?",
            [origin.reply_to_outbox]).fetchone()
        if row and row[0] in CONFIRM_TEMPLATES and row[1].casefold() == origin.email.casefold() \
                and row[2] >= (now - policy.token_ttl).isoformat():
            tokens.revoke(db, m.email, "confirm")
            return "reply", m
    if origin.proof == "dkim" and policy.trust_dkim_for_join and m is not None:
        return "dkim", m
    return None, m


def _commit(db: sqlite_utils.Database, cmd: Commit, now: datetime, policy: Policy,
            r: Replier) -> Result:
    proof, m = _proof_of_confirmation(db, cmd.origin, now, policy)
    if proof is None:
        if cmd.origin.token:
            # a wrong, used, expired or someone else's token changes nothing
            return Result("sent to review", "review",
                          "confirmation with a token that is unknown, used, expired or "
                          "not for this address", member_id=m.id if m else None)
        if m is None:
            return _join(db, Join(cmd.origin, cmd.name, cmd.postcode, commitment=True), now,
                         policy, r)
        if m.state == "active":
            r.reply(m.email, "member/already-member", _member_context(db, m), m.name, m.id)
            return Result("already a member: told so", member_id=m.id)
        # only a From header: ask for the round-trip again
        if cmd.postcode and not m.postcode:
            members.update(db, m.id, now, postcode=cmd.postcode)
            m = _reload(db, m)
        return _ask_or_confirm(db, m, now, policy, r, "commitment without proof")
    if m is None:
        return Result("sent to review", "review", "confirmation for a member that is gone")
    if m.state == "active":
        return Result("already active", member_id=m.id)
    if cmd.postcode and not m.postcode:
        members.update(db, m.id, now, postcode=cmd.postcode)
        m = _reload(db, m)
    return _activate(db, m, cmd.origin, proof, now, policy, r)


def _activate(db: sqlite_utils.Database, m: Member, origin: Origin, proof: str, now: datetime,
              policy: Policy, r: Replier) -> Result:
    members.update(db, m.id, now, state="active", confirmed_at=now.isoformat(), left_at=None,
                   bounce_score=0.0)
    members.record_consent(db, m.id, policy.principles.version, origin.message_id, proof, now)
    members.audit(db, now, "email", "confirmed", m.id, proof=proof)
    routing.assign_hub(db, m.id, m.postcode, now)
    m = _reload(db, m)
    hub = hub_info(db, m.hub_id)
    welcome(m, hub, r)
    if hub:
        for addr in hub["secretaries"]:
            r.notify(addr, "officer/new-member",
                     {"home_hub": hub, "member": {"name": m.name, "email": m.email,
                                             "postcode": m.postcode, "kind": m.kind}},
                     m.id, m.hub_id)
    where = f"hub {hub['slug']}" if hub else "no hub (unassigned)"
    return Result(f"member confirmed ({proof}), {where}", member_id=m.id)


def welcome(m: Member, hub: dict[str, Any] | None, r: Replier) -> int | None:
    """Queue the hub's welcome to a member who has just become active in *hub* (``hub_info``)."""
    ctx: dict[str, Any] = {"name": m.name, "postcode": m.postcode, "home_hub": hub,
                           "route_rule": m.route_rule, "events": []}
    return r.reply(m.email, "member/welcome", ctx, m.name, m.id, m.hub_id)


# --- leave, move, status ----------------------------------------------------------------

def _leave(db: sqlite_utils.Database, cmd: Leave, now: datetime, policy: Policy,
           r: Replier) -> Result:
    origin = cmd.origin
    m: Member | None
    if origin.token and origin.token_action == "unsub":
        row = tokens.redeem(db, origin.token, "unsub", None, now)
        if row is None:
            return Result("sent to review", "review",
                          "unsubscribe with a token that is unknown, used or expired")
        m = members.find(db, row.email)
    else:
        m = members.find(db, origin.email)
    if m is None or m.state in ("left", "expired"):
        r.reply(origin.email, "member/not-a-member", {"request": "leave"})
        return Result("not a member: told so")
    members.update(db, m.id, now, state="left", left_at=now.isoformat())
    members.withdraw_consents(db, m.id, now)
    tokens.revoke(db, m.email)
    members.audit(db, now, "web" if origin.received_via == "web" else "email", "left", m.id,
                  previous_state=m.state,
                  proof=origin.proof or ("token" if origin.token else "from"))
    r.reply(m.email, "member/left", {"name": m.name}, m.name, m.id)
    return Result("member left", member_id=m.id)


def _move(db: sqlite_utils.Database, cmd: Move, now: datetime, policy: Policy,
          r: Replier) -> Result:
    m = members.find(db, cmd.origin.email)
    if m is None or m.state not in ("active", "pending"):
        r.reply(cmd.origin.email, "member/not-a-member", {"request": "move"})
        return Result("not a member: told so")
    if not cmd.postcode:
        r.reply(m.email, "member/ask-postcode", {"name": m.name, "moving": True}, m.name, m.id)
        return Result("move without a postcode: asked for it", member_id=m.id)
    old_hub = hub_info(db, m.hub_id)
    members.update(db, m.id, now, postcode=cmd.postcode)
    members.audit(db, now, "email", "moved", m.id)
    if m.state == "pending":
        m = _reload(db, m)
        send_confirmation(db, m, now, policy, r, "member/confirm-join")
        return Result("pending member's postcode updated; confirmation sent", member_id=m.id)
    routing.assign_hub(db, m.id, cmd.postcode, now)
    m = _reload(db, m)
    new_hub = hub_info(db, m.hub_id)
    ctx = {"name": m.name, "postcode": m.postcode, "old_hub": old_hub, "home_hub": new_hub,
           "route_rule": m.route_rule}
    r.reply(m.email, "member/moved", ctx, m.name, m.id, m.hub_id)
    if (old_hub or {}).get("id") != (new_hub or {}).get("id"):
        for h in (old_hub, new_hub):
            for addr in (h or {}).get("secretaries", []):
                r.notify(addr, "officer/member-relocated",
                         {"member": {"name": m.name, "email": m.email, "postcode": m.postcode},
                          "old_hub": old_hub, "home_hub": new_hub, "rule": m.route_rule},
                         m.id, (h or {}).get("id"))
    return Result("member moved", member_id=m.id)


def _status(db: sqlite_utils.Database, origin: Origin, now: datetime, r: Replier) -> Result:
    m = members.find(db, origin.email)
    if m is None:
        r.reply(origin.email, "member/not-a-member", {"request": "status"})
        return Result("status: not a member, told so")
    ctx = _member_context(db, m)
    ctx["pending_tokens"] = tokens.pending(db, m.email, now)
    r.reply(m.email, "member/status", ctx, m.name, m.id, m.hub_id)
    return Result("status sent", member_id=m.id)


def _member_context(db: sqlite_utils.Database, m: Member) -> dict[str, Any]:
    cons = members.consents(db, m.id)
    return {"name": m.name, "email": m.email, "postcode": m.postcode, "state": m.state,
            "kind": m.kind, "home_hub": hub_info(db, m.hub_id), "route_rule": m.route_rule,
            "delivery": m.delivery, "joined_at": m.created_at[:10],
            "confirmed_at": (m.confirmed_at or "")[:10] or None,
            "consents": [{"given_at": c["given_at"][:10], "version": c["principles_hash"],
                          "method": c["method"], "withdrawn_at": c["withdrawn_at"]}
                         for c in cons]}


# --- bounces ----------------------------------------------------------------------------

def _bounce(db: sqlite_utils.Database, cmd: Bounce, now: datetime, policy: Policy,
            r: Replier) -> Result:
    hit = []
    for addr in cmd.recipients:
        m = members.find(db, addr)
        if m is None:
            continue
        score = m.bounce_score + (HARD_BOUNCE_SCORE if cmd.hard else SOFT_BOUNCE_SCORE)
        members.update(db, m.id, now, bounce_score=score)
        members.audit(db, now, "bounce", "bounce", m.id, hard=cmd.hard, status=cmd.status,
                      score=score)
        if m.state == "active" and score >= policy.hard_bounces_to_disable:
            members.update(db, m.id, now, state="disabled")
            members.audit(db, now, "bounce", "disabled", m.id, score=score)
            hub = hub_info(db, m.hub_id)
            for addr2 in (hub or {}).get("secretaries", []):
                r.notify(addr2, "officer/member-disabled",
                         {"member": {"name": m.name, "email": m.email}, "home_hub": hub,
                          "status": cmd.status, "diagnostic": cmd.diagnostic[:300]},
                         m.id, m.hub_id)
        hit.append(m.id)
    kind = "hard" if cmd.hard else "soft"
    if not hit:
        return Result(f"{kind} bounce for no known member", folder="bounces")
    return Result(f"{kind} bounce recorded for {len(hit)} member(s)", folder="bounces",
                  member_id=hit[0])


# --- hubs, as the membership mail needs them ---------------------------------------------

def hub_info(db: sqlite_utils.Database, hub_id: int | None) -> dict[str, Any] | None:
    """A hub as templates show it: id, slug, name, contacts, and who hears of new members.

    Who hears is the hub's membership secretary, else its secretary, else its chair,
    as ``lists.officers`` holds them (the hubs file's contacts, or ``ftm officers set``).
    """
    if hub_id is None:
        return None
    row = db.execute("SELECT id, slug, name, list_address, contacts FROM hubs WHERE id = ?",
                     [hub_id]).fetchone()
    if row is None:
        return None
    contacts = json.loads(row[4] or "{}")
    secretaries = officers.notice_addresses(db, hub_id)
    return {"id": row[0], "slug": row[1], "name": row[2], "list_address": row[3],
            "contacts": contacts, "secretaries": secretaries}
