"""Message bytes to a ``Classification``: parse, decide the intent, extract who, where and what.

``classify(raw, ctx)`` is pure (no database, clock or network) and never raises: any
input gets an intent, and an internal error becomes ``review`` with the reason.
Below ``ctx.review_threshold`` an acting intent becomes ``review`` too.
"""

from __future__ import annotations

import logging
import re

from inbox import bounce as bounce_mod
from inbox import event as event_mod
from inbox import people
from inbox.auth import dkim_verdict
from inbox.context import Context
from inbox.home import home_postcode
from inbox.intent import Decision, decide
from inbox.parse import Parsed, parse
from inbox.reading import Reading, read
from inbox.result import ACTING, Classification
from inbox.routes import TOKEN_ACTIONS, addresses_in, is_ours
from inbox.rules import bare_subject
from lists.addresses import valid_address

log = logging.getLogger(__name__)

# Intents in which a message can commit to the principles (a hub post that mentions them
# does not sign anyone up).
COMMITTING = frozenset({"join_commit", "org_join", "review"})
# Intents whose postcode field stays empty: the sender's home is not what they are about.
NO_POSTCODE = frozenset({"event", "bulletin", "hub_post", "auto_reply", "bounce", "spam"})
_NOREPLY = re.compile(r"(?:^|[._+-])(?:no-?reply|do-?not-?reply|donotreply|auto-?reply"
                      r"|autoresponder|mailer|notifications?|notify|notifier|helpdesk|support|system|forms?"
                      r"|website|webform)(?=[._+-]|@|$)", re.I)


def classify(raw: bytes, ctx: Context) -> Classification:
    """Classify one message's raw bytes (as IMAP ``BODY[]`` returns them)."""
    try:
        p = parse(raw, ctx)
    except Exception as e:  # parse() handles its own errors; this is the last guard
        log.exception("parse failed")
        return Classification("review", 0.0, (f"could not parse the message ({type(e).__name__})",),
                              size=len(raw))
    return classify_parsed(p, ctx)


def classify_parsed(p: Parsed, ctx: Context) -> Classification:
    """Classify an already parsed message; never raises."""
    try:
        return _classify(p, ctx)
    except Exception as e:
        log.exception("classifier failed on %s", p.message_id or "(no Message-ID)")
        return Classification("review", 0.0, (f"classifier error ({type(e).__name__})",),
                               email=valid_address(p.from_addr), from_addr=p.from_addr,
                               message_id=p.message_id, subject=p.subject, body=p.new,
                               size=p.size)


def _classify(p: Parsed, ctx: Context) -> Classification:
    r = read(p)
    d = decide(p, r, ctx)
    intent, confidence, reasons = d.intent, d.confidence, list(d.reasons)
    if p.defects:
        reasons.append("defects: " + ", ".join(p.defects[:3]))
    if intent in ACTING and confidence < ctx.review_threshold:
        reasons.insert(0, f"not sure enough ({confidence:.2f} < {ctx.review_threshold:g}) "
                          f"that this is {intent}")
        intent = "review"
    bounce = bounce_mod.detect(p, ctx) if intent == "bounce" else None
    email, name, organisation = _who(p, r, d, intent, bounce, ctx)
    postcode = None
    if intent not in NO_POSTCODE:
        postcode = home_postcode(_own_text(p), bare_subject(p.subject) if not d.confirm_reply
                                 else "", organisation=intent == "org_join")
    event = None
    if intent == "event":
        event = event_mod.extract(p.new, bare_subject(p.subject), p.date or ctx.now)
    token_route = next((rt for rt in p.routes if rt.action in TOKEN_ACTIONS), None)
    hub = p.route("hub")
    auto = p.header("auto-submitted").lower()
    # a commitment made for someone else is not theirs in their own words
    commitment = intent == "commit" or (intent in COMMITTING and r.explicit_commit
                                        and not d.third_party)
    return Classification(
        intent=intent, confidence=round(confidence, 3), reasons=tuple(reasons),
        email=email, name=name, postcode=postcode, commitment=commitment,
        organisation=organisation,
        token=token_route.value if token_route else None,
        token_action=token_route.action if token_route else None,
        reply_to_ours=p.reply_to_ours if p.reply_to_ours is not None
        else (bounce.outbox_id if bounce else None),
        reply_to_delivery=p.reply_to_delivery,
        hub_slug=hub.value if hub else None,
        to_bulletin=p.route("bulletin") is not None,
        auto_submitted=bool(auto) and not auto.startswith("no"),
        message_id=p.message_id, subject=p.subject, body=p.new, from_addr=p.from_addr,
        date=p.date, attachments=p.attachments, size=p.size, event=event, bounce=bounce,
        dkim=dkim_verdict(p.auth_results, ctx.authserv_id, p.from_addr),
    )


def _own_text(p: Parsed) -> str:
    """The new text with a signature that is more than a mobile sign-off (it may hold a home)."""
    sig = p.signature
    if sig and len(sig.split("\n")) > 1:
        return p.new + "\n\n" + sig
    return p.new


_LABELLED_ADDRESS = re.compile(r"\be-?mail(?: address)?\s*[:=]\s*<?([^\s<>,;]+@[^\s<>,;]+)", re.I)


def _person_behind(p: Parsed, ctx: Context) -> str | None:
    """The person a no-reply sender writes for: its Reply-To, else an "Email:" field."""
    for addr in p.reply_to:
        if not is_ours(addr, ctx) and not _NOREPLY.match(addr):
            return addr
    fields = [m.group(1).strip(".") for m in _LABELLED_ADDRESS.finditer(p.new)]
    fields = [a for a in fields if not is_ours(a, ctx)]
    return fields[0] if len(set(fields)) == 1 else None


_MESSAGE_TO = re.compile(r"\b(?:message|mail|e-?mail|letter)s? (?:to|for|addressed to|sent to)"
                         r"\s*<?([^\s<>,;()\"']+@[^\s<>,;()\"']+)", re.I)


def _answered_for(p: Parsed, ctx: Context) -> str | None:
    """The address an automatic answer speaks for ("your message to jo@example.org")."""
    text = p.subject + "\n" + p.new[:2000]
    if "@" not in text:
        return None
    found = {m.group(1).strip(".").lower() for m in _MESSAGE_TO.finditer(text)}
    found = {a for a in found if not is_ours(a, ctx)}
    return found.pop() if len(found) == 1 else None


def _who(p: Parsed, r: Reading, d: Decision, intent: str, bounce: bounce_mod.Bounce | None,
         ctx: Context) -> tuple[str | None, str | None, str | None]:
    """(email, name, organisation) of the person or body the message is about."""
    if intent == "bounce":
        failed = bounce.recipients[0] if bounce and bounce.recipients else None
        return (valid_address(failed) if failed else None), None, None
    sender = p.from_addr
    if intent == "spam":
        return valid_address(sender), None, None
    if _NOREPLY.match(sender):
        # a form or a helpdesk writing for someone: the address it answers for
        sender = _person_behind(p, ctx) or sender
    if intent == "auto_reply":
        # a filter or helpdesk answering for the member we wrote to: the member
        sender = _answered_for(p, ctx) or sender
    email = valid_address(sender)
    others = [a for a in addresses_in(p.new) if a != sender.lower() and not is_ours(a, ctx)]
    other = people.preferred_address(p.new, sender.lower(), others) if others else None
    if d.third_party and intent == "join" and len(others) == 1:
        # a signup on behalf of one other person: it is about them, not the writer
        valid = valid_address(others[0])
        return valid or email, people.name_near(p.new, others[0]), None
    if other and intent != "auto_reply":  # "email my colleague instead": still the member
        email = valid_address(other) or email
    if intent == "org_join":
        org = people.organisation_name(p.from_name, p.new)
        return email, org, org
    return email, people.choose_name(p.from_name, p.new, p.signature), None
