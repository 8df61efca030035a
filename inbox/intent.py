"""Deciding the intent: machine mail first, then our addresses, then what the person wrote.

Order matters and is deliberate. A bounce or an ``Auto-Submitted`` message is machine
mail whatever it says. An automatic reply recognised only by its words, or something
that reads as spam, goes to review rather than being acted on when it also reads as a
request. Mail to one of our sub-addresses is read in that light (a reply to the
confirmation mail is a commitment unless it says otherwise). Everything else is scored
by ``inbox.signals`` and decided by a fixed precedence: erase over leave, an
organisation over a person, joining over asking how to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inbox import absence, bounce, commitment, concerns, machine, spam
from inbox import signals as sig
from inbox.context import Context
from inbox.event import looks_like_event
from inbox.followup import supplies_postcode
from inbox.home import home_postcode
from inbox.machine import AUTO_SUBJECT
from inbox.parse import Parsed
from inbox.reading import CONFIRM_SUBJECT, Reading
from inbox.result import ACTING
from inbox.routes import addresses_in, is_ours
from inbox.rules import bare_subject, score

_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|antw|odp|r)\s*:", re.I)
_QUESTION = re.compile(r"\?")


@dataclass(frozen=True, slots=True)
class Decision:
    intent: str
    confidence: float
    reasons: tuple[str, ...]
    confirm_reply: bool = False
    third_party: bool = False


def decide(p: Parsed, r: Reading, ctx: Context) -> Decision:
    """The intent of *p*, its confidence and the reasons that produced it."""
    return _unasked(p, r, _decide(p, r, ctx))


# What a reply to our mail becomes with no words asking for it: mail to a hub address is a
# post, a reply to the confirmation mail that raises no objection is a commitment.
_BY_DEFAULT = frozenset({"hub_post", "commit"})


def _unasked(p: Parsed, r: Reading, d: Decision) -> Decision:
    """*d*, or review when only a default made it acting and the reply may be a machine's.

    A short reply to our own mail that asks nothing is what an automatic answer looks
    like; if it gives a return date, or gives a date in a language we
    do not read, it goes to a person rather than to a hub's members or the register.
    """
    if d.intent not in _BY_DEFAULT or p.reply_to_ours is None or not r.body:
        return d
    if "?" in r.body or len(r.body.split()) > _SHORT_NOTICE_WORDS:
        return d
    if d.intent == "commit" and (r.assent >= 0.5 or r.scores["commit"] >= 0.5):
        return d
    away, why = absence.notice(r.body)
    if "gives a return date" in why:  # "away" alone is as often someone else's absence
        return Decision("review", 0.4, ("a short reply to our mail that may be automatic"
                                        f" ({d.intent} by default)", *why), d.confirm_reply)
    if absence.foreign_date(r.body):
        return Decision("review", 0.4, (f"a short reply to our mail, not in English, that gives a"
                                        f" date ({d.intent} by default)",), d.confirm_reply)
    return d


def _decide(p: Parsed, r: Reading, ctx: Context) -> Decision:
    if p.oversized:
        return _oversized(p)
    b, b_why = bounce.looks_like_bounce(p, r.body)
    if b >= 0.75:
        return Decision("bounce", round(b, 3), ("a delivery failure report", *b_why))
    a, a_why, by_header = machine.auto_reply(p, r.body)
    if by_header and machine.form_relay(p):  # a person's words, relayed by a machine
        a, a_why, by_header = 0.0, [], False
    if by_header:
        return Decision("auto_reply", 0.97, ("an automatic message (RFC 3834)", *a_why))
    if p.from_addr and is_ours(p.from_addr, ctx):
        return Decision("auto_reply", 0.9, ("sent from our own address: never answered",))
    away, away_why = _absence(p, r)
    if away >= 0.85 and away > a:
        a, a_why = away, away_why
    # by wording alone: a reply (what out-of-office mail is) needs less than a fresh message
    if a >= (0.6 if _is_reply(p) or AUTO_SUBJECT.search(p.subject) else 0.85):
        acting = r.top("join", "leave", "erase", "move", "status", "commit")
        if acting >= 0.85 and a < 0.85:
            return Decision("review", 0.5, ("reads as an automatic reply but also as a request",
                                            *a_why, *_best_why(r)))
        return Decision("auto_reply", round(a, 3), ("an automatic reply by its content", *a_why))
    if away >= 0.75 and r.top("join", "leave", "erase", "move", "status") < 0.85:
        # away and back on a date, nothing more: a person decides, nothing is answered
        return Decision("review", 0.5, ("reads like an absence notice", *away_why))
    confirm_reply = bool(p.route("confirm")) or (
        p.reply_to_ours is not None and bool(CONFIRM_SUBJECT.search(p.subject)))
    # what a member or officer sends to a hub or the bulletin address needs surer signs
    to_list = p.route("hub") is not None or p.route("bulletin") is not None
    s, s_why = (0.0, []) if confirm_reply else spam.spam(p, r.full_subject + " . " + r.body,
                                                           ours=to_list)
    if s >= (0.85 if to_list else 0.7) and not confirm_reply:
        if r.top("join", "leave", "erase") >= 0.85 and s < 0.9:
            return Decision("review", 0.5, ("reads as mass mail but also as a request", *s_why))
        return Decision("spam", round(s, 3), ("unsolicited or mass mail", *s_why))
    # the unsubscribe address is for leaving, but a person's own clear wish to join wins
    joins = r.scores["join"] >= 0.8 and r.top("leave", "erase") < 0.5
    if p.route("unsub") and not joins:
        if r.scores["erase"] >= 0.75:
            return Decision("erase", 0.95, ("sent to our unsubscribe address",
                                            *r.why["erase"]))
        return Decision("leave", 0.95, ("sent to our unsubscribe address",))
    if confirm_reply:
        return _confirm_reply(p, r, ctx)
    if p.route("bulletin") and not _is_reply(p):
        return Decision("bulletin", 0.9, ("sent to the bulletin address",))
    hub = p.route("hub")
    if hub is not None:
        return _hub(p, r, hub.value)
    if CONFIRM_SUBJECT.search(p.subject) and _is_reply(p):
        return Decision("review", 0.5, ("a reply to a confirmation mail that is not tied to one"
                                        " we sent (no token, no reference)",
                                        *_best_why(r)))
    if p.reply_to_ours is not None and a < 0.3 and _asked_postcode(p):
        answer = _postcode_answer(p, r)
        if answer is not None:
            return answer
    d = _free_text(p, r, ctx)
    if s >= 0.5 and d.intent == "review" and r.top("join", "leave", "erase", "move", "status",
                                                     "commit") < 0.5:
        return Decision("spam", round(s, 3), ("probably unsolicited mail", *s_why))
    if s >= 0.55 and d.intent in ACTING:
        return Decision("review", 0.4, (f"reads as {d.intent} but also as mass mail", *s_why))
    return d


# The subject of our mail asking for a postcode ("One more thing: your postcode", "Your new
# postcode, please"), as a reply quotes it.
ASKED_POSTCODE = re.compile(r"\b(?:your (?:new )?postcode|postcode,? please)\b", re.I)
# What our mail asking for one says, as the reply quotes it ("we need your full postcode",
# "please reply with your postcode"), whatever the subject it was sent under.
_ASKED_IN_QUOTE = re.compile(
    r"\b(?:need|needs|require|requires|ask(?:ing)? for|missing|without) (?:your|a|the) (?:full"
    r" |new |home )?post ?code\b|\b(?:send|tell|give) us (?:your|a|the) (?:full |new |home )?"
    r"post ?code\b|\breply\b[^.]{0,30}\bwith (?:your|a|the) (?:full |new |home )?post ?code\b")
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)


def _asked_postcode(p: Parsed) -> bool:
    """The mail this replies to asked for a postcode: its subject, else its quoted text."""
    if ASKED_POSTCODE.search(p.subject):
        return True
    if "postcode" not in p.quoted and "post code" not in p.quoted:
        return False
    quoted = " ".join(_QUOTE_MARKS.sub("", p.quoted[:3000]).lower().split())
    return _ASKED_IN_QUOTE.search(quoted) is not None


def _postcode_answer(p: Parsed, r: Reading) -> Decision | None:
    """A short reply to our request for a postcode that gives one: it continues the join
    (or the move), as the README's join says ("supplies what a join still lacks")."""
    if len(r.body.split()) > 15 or r.top("leave", "erase", "status", "help") >= 0.5:
        return None
    if home_postcode(p.new) is None:
        return None
    moving = "new postcode" in p.subject.lower()
    return Decision("move" if moving else "join", 0.8,
                    ("answers our request for a postcode with one",))


# An absence notice is short: a greeting, away until a date, perhaps who to call instead.
_SHORT_NOTICE_WORDS = 90


def _absence(p: Parsed, r: Reading) -> tuple[float, list[str]]:
    """(score, reasons) for a reply that reads as an absence notice in any language.

    Only a short reply that asks nothing is read this way: an automatic answer is sent
    back to the mail that reached it, and it has no question for us. Saying the writer
    is away *and* when they are back is enough for review (never an acting intent);
    adding that mail goes unread or that the answer is automatic makes it an
    ``auto_reply``.
    """
    if not _is_reply(p) or "?" in r.body or len(r.body.split()) > _SHORT_NOTICE_WORDS:
        return 0.0, []
    if r.explicit_commit:  # "I commit to all twelve; off on holiday till the 5th": a person
        return 0.0, []
    s, why = absence.notice(r.body)
    return s, ["reads like an absence notice: " + ", ".join(why)] if why else []


def _best_why(r: Reading) -> list[str]:
    scores = r.complete()
    best = max(scores, key=lambda k: scores[k])
    return r.why.get(best, [])[:2] if r.scores[best] > 0 else []


def _is_reply(p: Parsed) -> bool:
    return bool(p.in_reply_to or p.reply_to_ours or _REPLY_SUBJECT.match(p.subject))


def _oversized(p: Parsed) -> Decision:
    a, a_why, by_header = machine.auto_reply(p, "")
    if by_header:
        return Decision("auto_reply", 0.9, ("an automatic message (RFC 3834)", *a_why))
    b, b_why = bounce.looks_like_bounce(p, "")
    if b >= 0.75:
        return Decision("bounce", round(b, 3), ("a delivery failure report", *b_why))
    return Decision("review", 0.0, (f"too large to read ({p.size} bytes)",))


_QUOTED_TO = re.compile(r"^[>\s]*\*?(?:to|an|[àa]|para|aan|do|til|till)\*?\s*:\s*(.+)$",
                        re.I | re.M)


def _quoted_recipient(p: Parsed, ctx: Context) -> str | None:
    """The address our quoted mail was sent to, when the quote shows it (Outlook blocks)."""
    if not p.quoted or "@" not in p.quoted:
        return None
    m = _QUOTED_TO.search(p.quoted[:3000])
    if m is None:
        return None
    found = [a for a in addresses_in(m.group(1)) if not is_ours(a, ctx)]
    return found[0] if found else None


def _confirm_reply(p: Parsed, r: Reading, ctx: Context) -> Decision:
    """A reply to our confirmation mail: assent unless it says otherwise."""
    why = ("a reply to our confirmation mail",)
    if concerns.ON_BEHALF.search(r.body):
        return Decision("review", 0.5, (*why, "answers for someone else"), confirm_reply=True,
                        third_party=True)
    sent_to = _quoted_recipient(p, ctx)
    if sent_to and sent_to != p.from_addr.lower():
        return Decision("review", 0.5, (*why, "the mail it answers went to another address"),
                        confirm_reply=True)
    if r.scores["erase"] >= 0.75:
        return Decision("erase", 0.9, (*why, *r.why["erase"]), confirm_reply=True)
    if r.scores["leave"] >= 0.8 and r.scores["commit"] < 0.75:
        return Decision("leave", 0.85, (*why, *r.why["leave"]), confirm_reply=True)
    refuse, refuse_why = score(commitment.REFUSE, r.body)
    if refuse >= 0.5 and r.scores["commit"] < 0.75:
        return Decision("review", 0.5, (*why, *refuse_why), confirm_reply=True)
    if r.commit_neg >= 0.5:
        return Decision("review", 0.5, (*why, "partial or conditional commitment",
                                        *r.why["not_commit"]), confirm_reply=True)
    if r.body and _QUESTION.search(r.body) and r.assent < 0.5 and r.scores["commit"] < 0.75:
        return Decision("review", 0.5, (*why, "asks a question instead of confirming"),
                        confirm_reply=True)
    reasons = r.why["commit"] or (["assents"] if r.assent else
                                  ["an empty reply counts as assent"] if not r.body else
                                  ["a reply that raises no objection counts as assent"])
    return Decision("commit", 0.92, (*why, *reasons), confirm_reply=True)


def _hub(p: Parsed, r: Reading, slug: str) -> Decision:
    """Mail to a hub address: an event notice, a post, or a member's own request."""
    why = (f"sent to the hub address of {slug}",)
    if r.scores["erase"] >= 0.8:
        return Decision("erase", 0.85, (*why, *r.why["erase"]))
    if (sig.KEEP_MEMBER.search(r.body) or concerns.SOME_MAIL.search(r.body)
            or sig.SETTINGS.search(r.body)) and "says they are leaving" not in r.why["leave"]:
        # "stop the hub emails but keep me a member": about their mail, not for the members
        return Decision("review", 0.5, (*why, "asks to change what they receive"))
    if r.scores["leave"] >= 0.88:
        return Decision("leave", 0.85, (*why, *r.why["leave"]))
    if r.scores["move"] >= 0.8 and _has_postcode_words(r.body):
        return Decision("move", 0.8, (*why, *r.why["move"]))
    if r.scores["status"] >= 0.85:
        return Decision("status", 0.8, (*why, *r.why["status"]))
    if r.scores["join"] >= 0.85 and p.reply_to_ours is None:
        return Decision("join", 0.8, (*why, *r.why["join"]))
    sent = (p.date.date() if p.date else None)
    if sent is not None:
        e, e_why = looks_like_event(p.new, bare_subject(p.subject), sent)
        if e >= 0.7:
            return Decision("event", round(e, 3), (*why, *e_why))
    return Decision("hub_post", 0.8, (*why, "a message for the hub's members"))


_POSTCODE_WORDS = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\b|\bpostcode\b|\baddress\b|\bhub\b")


def _has_postcode_words(body: str) -> bool:
    return bool(_POSTCODE_WORDS.search(body))


def _other_addresses(p: Parsed, ctx: Context) -> list[str]:
    return [a for a in addresses_in(p.new) if a != p.from_addr.lower() and not is_ours(a, ctx)]


# A display name of our own: a hub or the network writing under its name.
_OURS_NAME = re.compile(r"\b(?:for the many|ftm|hub)\b", re.I)


def _free_text(p: Parsed, r: Reading, ctx: Context) -> Decision:
    """Mail to the main address: what the person's own words ask for."""
    decided = _for_a_person(p, r, ctx) or _membership(r, concerns.org_sender(p.from_name))
    if decided is not None:
        return decided
    if supplies_postcode(p, r):
        return Decision("join", 0.7, ("supplies the postcode an earlier join lacked",))
    sc, why = r.scores, r.why
    if p.date is not None:
        e, e_why = looks_like_event(p.new, bare_subject(p.subject), p.date.date())
        if e >= 0.85 and concerns.org_sender(p.from_name) and not _OURS_NAME.search(p.from_name):
            return Decision("spam", 0.7, ("another organisation's event notice to our main"
                                          " address", *e_why))
        if e >= 0.85:
            return Decision("event", round(e - 0.1, 3), ("an event notice sent to the main"
                                                          " address", *e_why))
    if concerns.HOSTILE.search(r.body) and sc["help"] < 0.8:
        return Decision("review", 0.3, ("hostile message with no clear request",))
    if sc["help"] >= 0.6:
        return Decision("help", round(sc["help"], 3), tuple(why["help"]))
    if why["join"] == ["subject asks to join"] and len(r.body.split()) <= 6 \
            and r.top("leave", "erase", "move", "status") < 0.5 and home_postcode(p.new):
        # subject "Join", body just a postcode (and perhaps a name): the request is the subject
        return Decision("join", 0.65, ("the subject asks to join and the text gives a postcode",))
    if r.assent and len(r.body) < 60:
        return Decision("review", 0.3, ("assent that answers nothing we sent",))
    if concerns.HOSTILE.search(r.body):
        return Decision("review", 0.3, ("hostile message with no request",))
    r.complete()
    best = max(sc, key=lambda k: sc[k])
    if sc[best] > 0:
        return Decision("review", round(sc[best], 3),
                        (f"no clear request (closest: {best})", *why[best][:2]))
    return Decision("review", 0.1, ("no request we recognise",))


def _for_a_person(p: Parsed, r: Reading, ctx: Context) -> Decision | None:
    """Requests a person must handle: about someone else, press, casework, roles, addresses."""
    body = r.body
    third = concerns.THIRD_PARTY.search(body)
    if third:
        rest = body[:third.start()] + " " + body[third.end():]
        own, _ = score(sig.JOIN, sig.without_not_joining(concerns.without_third_person(rest)))
        if concerns.THIRD_PARTY_JOIN.search(third.group(0)) and len(_other_addresses(p, ctx)) == 1 \
                and own < 0.75:  # not "sign him up, and me too": that mixes two people
            return Decision("join", 0.75, ("signs up one other person and gives their details",),
                            third_party=True)
        return Decision("review", 0.5, ("a request about someone else",), third_party=True)
    for pattern, reason in ((concerns.PRESS, "a press or media enquiry"),
                            (concerns.OFFER, "an offer to serve as an officer"),
                            (concerns.ROLES, "about national roles or the steering group")):
        m = pattern.search(body)
        if m and pattern is concerns.ROLES and r.scores["org"] >= 0.6 \
                and body[max(0, m.start() - 6):m.start()].endswith(("our ", "their ")):
            continue  # an organisation's own steering group, not the network's
        if m and pattern is concerns.ROLES and r.scores["help"] >= 0.6 and _asked(body, m.end()):
            continue  # "who elects the steering group?": how the network works
        if m and r.top("erase", "leave") < 0.8:
            return Decision("review", 0.5, (reason,))
    # casework is a person's own case; a tenants' group campaigning on evictions is not
    if concerns.CASEWORK.search(body) and r.top("erase", "leave", "join", "org") < 0.8:
        return Decision("review", 0.5, ("asks for help with a personal case",))
    if r.explicit_commit and concerns.ANOTHER_ADDRESS.search(body):
        return Decision("review", 0.5, ("commits from an address other than the one that"
                                        " joined",))
    return None


_MYSELF = re.compile(r"\b(?:i|i'm|i'd|i'll|me|my|myself)\b")


def _asked(body: str, at: int) -> bool:
    """The sentence around *at* in *body* asks how things work, not how the writer gets a role
    ("who elects the steering group?", not "how do I get onto the steering group?")."""
    end = re.search(r"[.!?]", body[at:])
    if end is None or end.group(0) != "?":
        return False
    starts = [m.end() for m in re.finditer(r"[.!?]\s", body[:at])]
    sentence = body[starts[-1] if starts else 0:at + end.end()]
    return _MYSELF.search(sentence) is None


# Join reasons that only ask: with a question about who may join, what membership involves
# or costs ("how do I join? do I have to live in a city?"), the mail asks for help.
_ASKS_ABOUT_JOINING = frozenset({"asks who can join", "asks what membership involves",
                                 "asks what membership costs"})
_ASKS_IF_CAN_JOIN = frozenset({"asks whether they can join", "asks how to join",
                               "mentions becoming a member", "subject asks to join"})


def _membership(r: Reading, org_sender: bool = False) -> Decision | None:
    """Erase over leave, a hub change, an organisation over a person, then join, move, status.

    *org_sender*: the From display name is an organisation's ("Leeds Tenants Union").
    """
    sc, why, body = r.scores, r.why, r.body
    if sc["erase"] >= 0.75:
        if r.top("join", "move") >= 0.85:
            return Decision("review", 0.4, ("asks for erasure and for something else",
                                            *why["erase"][:1]))
        return Decision("erase", round(sc["erase"], 3), tuple(why["erase"]))
    if "changes hub" in why["move"]:
        return Decision("move", round(sc["move"], 3), tuple(why["move"]))
    leaving = "says they are leaving" in why["leave"]
    if sig.SETTINGS.search(body) and sc["join"] < 0.6 and not leaving:
        return Decision("review", 0.5, ("asks to change how their mail is delivered",))
    if concerns.SOME_MAIL.search(body) and sc["join"] < 0.6 and not leaving:
        return Decision("review", 0.5, ("asks to stop only some of our mail",))
    if sc["leave"] >= 0.75:
        if sig.KEEP_MEMBER.search(body) and not leaving:
            return Decision("review", 0.5, ("asks to change what they receive, not to leave",
                                            *why["leave"]))
        if sc["join"] >= 0.8:
            return Decision("review", 0.4, ("asks both to join and to leave",))
        return Decision("leave", round(sc["leave"], 3), tuple(why["leave"]))
    if sc["org"] >= 0.6 and (sc["join"] >= 0.5 or sc["org"] >= 0.8 or r.explicit_commit) \
            and not concerns.PERSONAL.search(body):
        return Decision("org_join", round(max(sc["org"], 0.7), 3), tuple(why["org"]))
    if org_sender and sc["join"] >= 0.6 and concerns.WE.search(body) \
            and not concerns.PERSONAL.search(body):
        return Decision("org_join", round(max(sc["org"], 0.7), 3),
                        ("an organisation's own address asks to join", *why["join"]))
    if sc["status"] >= 0.8 and sc["status"] > sc["join"] and sc["move"] < 0.7 \
            and not r.explicit_commit:
        # "am I already on your list? I filled in a form": asks where they stand
        return Decision("status", round(sc["status"], 3), tuple(why["status"]))
    if sc["join"] >= 0.6 and not r.explicit_commit and set(why["help"]) & _ASKS_ABOUT_JOINING \
            and set(why["join"]) <= _ASKS_IF_CAN_JOIN \
            and ("asks who can join" in why["help"] or home_postcode(body) is None):
        # a postcode given with "how do I join? is there a fee?" is the join itself
        return Decision("help", round(sc["help"], 3), tuple(why["help"]))
    if sc["join"] >= 0.6 or r.explicit_commit:
        reserved, reserved_why = score(commitment.RESERVATIONS, body)
        if (r.commit_neg >= 0.5 and sc["commit"] >= 0.5) or reserved >= 0.85:
            return Decision("review", 0.5, ("partial or conditional commitment",
                                            *why["not_commit"], *reserved_why))
        if r.explicit_commit:
            conf = 0.9 if sc["join"] >= 0.6 else 0.75
            return Decision("join_commit", conf, (*why["join"], *why["commit"]))
        return Decision("join", round(sc["join"], 3), tuple(why["join"]))
    if sc["move"] >= 0.7:
        return Decision("move", round(sc["move"], 3), tuple(why["move"]))
    if sc["status"] >= 0.7:
        return Decision("status", round(sc["status"], 3), tuple(why["status"]))
    return None
