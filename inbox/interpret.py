"""From a classification to a membership command, with the loop guards and the proof of origin.

Never a loop: mail that says it is automatic, mail from a mailer daemon or from our
own addresses, and list traffic never becomes a command that answers or changes a
membership, whatever its words say.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from inbox import answers
from inbox import event as event_mod
from inbox.context import Context
from inbox.result import Classification
from inbox.routes import is_ours, route
from inbox.rules import bare_subject
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
from lists.policy import Policy

MACHINE_LOCALS = ("mailer-daemon", "postmaster", "no-reply", "noreply", "donotreply",
                  "do-not-reply", "bounce", "bounces")
# Intents the hub lists handle (lists.listmail).
LIST_INTENTS = ("event", "bulletin", "hub_post")
# what a delivery-mode request or a "going" may be read as by the classifier
_SHORT_ANSWER_INTENTS = ("review", "help", "hub_post", "join", "commit", "status")


def _is_machine_sender(addr: str) -> bool:
    local = addr.lower().rpartition("@")[0]
    return any(local == m or local.startswith(m + "+") or local.startswith(m + "-")
               for m in MACHINE_LOCALS)


@dataclass(frozen=True, slots=True)
class Replied:
    """The mail of ours that a message answers (found by its verified Message-ID)."""

    template: str
    context: dict[str, Any]


def to_command(c: Classification, received_via: str, policy: Policy, ctx: Context,
               replied: Replied | None = None) -> Command:
    """The command a classified message asks for.

    *replied* is our mail this one answers: a reply to our request for a postcode
    that gives one continues the signup (or the move), and what is written to a
    token address of ours asks what that address is for.
    """
    sender = (c.from_addr or c.email or "").strip()
    proof = "dkim" if c.dkim is not None and c.dkim.result == "pass" and c.dkim.aligned \
        else None
    origin = Origin(email=(c.email or sender), message_id=c.message_id or "", proof=proof,
                    token=c.token, token_action=c.token_action,
                    reply_to_outbox=c.reply_to_ours, received_via=received_via,
                    sender=sender)
    intent = c.intent
    if intent == "bounce":
        b = c.bounce
        recipients = tuple(b.recipients) if b else ((c.email,) if c.email else ())
        return Bounce(Origin(sender or "", c.message_id or "", received_via=received_via),
                      recipients, hard=bool(b and b.kind == "hard"),
                      status=(b.status if b else ""),
                      diagnostic=(b.diagnostic if b else ""),
                      outbox_id=(b.outbox_id if b else None))
    if intent in ("auto_reply", "spam"):
        return Ignore(origin, intent.replace("_", "-"))
    if not sender or is_ours(sender, ctx):
        return Ignore(origin, "mail from our own address")
    if _is_machine_sender(sender):
        return Ignore(origin, "mail from a machine address")
    if c.auto_submitted:
        return Review(origin, f"automatic mail (Auto-Submitted) that reads as {intent}", intent)
    if not origin.email:
        return Review(origin, "no usable sender address", intent)
    if c.token_action == "erase" and c.token:
        return Erase(origin)
    if c.token_action == "unsub" and c.token and intent not in ("erase", "join", "join_commit"):
        return Leave(origin)
    listed = _list_command(c, replace(origin, email=sender), ctx, replied)
    if listed is not None:
        return listed
    if replied is not None and replied.template == "member/ask-postcode" and c.postcode \
            and intent in ("review", "join", "help", "move", "commit", "status"):
        if replied.context.get("moving"):
            return Move(origin, c.postcode)
        return Join(origin, c.name, c.postcode, commitment=intent == "commit")
    match intent:
        case "join":
            return Join(origin, c.name, c.postcode)
        case "join_commit":
            return Join(origin, c.name, c.postcode, commitment=True)
        case "org_join":
            return Join(origin, c.name, c.postcode, organisation=c.organisation or c.name)
        case "commit":
            return Commit(origin, c.postcode, c.name)
        case "leave":
            return Leave(origin)
        case "erase":
            return Erase(origin)
        case "move":
            return Move(origin, c.postcode)
        case "status":
            return Status(origin)
        case "help":
            return Help(origin)
    reason = "; ".join(c.reasons) if c.reasons else "could not tell what the message asks"
    return Review(origin, reason, intent)


def _approval_token(c: Classification, ctx: Context, replied: Replied | None) -> str | None:
    """The approval code a message answers: in its To address, or in our mail it replies to."""
    if c.token_action == "approve" and c.token:
        return c.token
    if replied is not None and replied.context.get("reply_to"):
        r = route(str(replied.context["reply_to"]), ctx)
        if r is not None and r.action == "approve":
            return r.value
    return None


def _list_command(c: Classification, origin: Origin, ctx: Context,
                  replied: Replied | None) -> Command | None:
    """The hub-list command a message asks for, or None. *origin*'s address is From's."""
    intent = c.intent
    token = _approval_token(c, ctx, replied)
    if token is not None and intent not in ("leave", "erase"):
        return Approve(origin, token, answers.approval_answer(c.body),
                       answers.cancels(c.body), answers.cancel_note(c.body))
    if intent in _SHORT_ANSWER_INTENTS:
        if c.reply_to_delivery is not None and answers.is_going(c.body):
            return Going(origin, c.reply_to_delivery)
        mode = answers.delivery_choice(c.body) if len(c.body) < 1500 else None
        if mode is not None:
            return SetDelivery(origin, mode)
    subject = bare_subject(c.subject) or "(no subject)"
    if intent == "bulletin":
        audience, body = answers.audience(c.body)
        return BulletinDraft(origin, subject, body, audience)
    event = c.event
    if intent == "hub_post" and c.hub_slug and answers.labelled_event(c.body):
        event = event_mod.extract(c.body, subject, c.date or ctx.now)
    if intent in ("event", "hub_post") and event is not None and event.status != "cancelled":
        return EventNotice(origin, c.hub_slug, event.title or subject, c.body, event.date,
                           event.start, event.end, event.venue, event.venue_postcode)
    if intent in ("event", "hub_post") and c.hub_slug:
        return HubPost(origin, c.hub_slug, subject, c.body, c.name)
    if intent in LIST_INTENTS:
        return Review(origin, f"{intent.replace('_', ' ')} that names no hub", intent)
    return None
