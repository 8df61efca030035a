"""Realistic inbound mail for the demo, the end-to-end tests and the inbound benchmark.

Signups written the many ways people write them, replies to our confirmation mails,
a leave, an out-of-office, a bounce, and mail a person must look at. Deterministic
for a given seed. The messages are raw RFC 5322 bytes, as an IMAP FETCH returns them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, make_msgid, parseaddr

FIRST = ["Aisha", "Ben", "Ciara", "Dev", "Eleanor", "Femi", "Gareth", "Hannah", "Imran", "Jo",
         "Kwame", "Laura", "Mohammed", "Niamh", "Owen", "Priya", "Rhys", "Sinead", "Tom", "Una",
         "Vikram", "Wendy", "Yusuf", "Zara", "Callum", "Morag", "Dylan", "Bethan", "Ryan", "Grace"]
LAST = ["Ahmed", "Brennan", "Clarke", "Davies", "Evans", "Fitzgerald", "Gill", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "McAllister", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts",
        "Singh", "Thomas", "Usman", "Vaughan", "Williams", "Young", "MacLeod", "Okafor"]
DOMAINS = ["gmail.com", "yahoo.co.uk", "hotmail.co.uk", "outlook.com", "btinternet.com",
           "icloud.com", "proton.me"]
# Postcodes in the demo hubs' areas, plus some nobody covers yet.
POSTCODES = ["L8 1AB", "L17 2DE", "L18 3EF", "M14 5RT", "M20 6GH", "SK4 2JL", "OL1 3QP",
             "G12 8QQ", "EH6 4RS", "CF10 3NB", "SW9 8LF", "E8 1DY", "NE6 5LP", "BS5 0HJ"]

SIGNUP_STYLES = [
    ("Joining",
     "Hi,\n\nI'd like to join the network please. My postcode is {pc}.\n\nThanks,\n{first}"),
    ("Sign me up", "Sign me up! {pc_lower}\n\n{first} {last}"),
    ("Membership", "Hello,\n\nPlease add me as a member. I live at 12 Park Road, {pc}.\n\n"
                   "Best wishes\n{first} {last}\n\nSent from my iPhone"),
    ("I'm in", "I'm in. Count me in for my local hub - postcode {pc_nospace}.\n\nCheers, {first}"),
    ("Re: For the Many", "Saw you at the meeting on Saturday. I want to join, my postcode is "
                         "{pc}.\n\nRegards,\n{first} {last}"),
    ("join", "please add me to the network\n{first}"),  # no postcode: asked for it
]
LEAVE = ("Unsubscribe", "Please take me off your list, I no longer want to be a member.\n\n{first}")
REVIEW = ("Question about the hub", "My neighbour wants to join but she has no email. Can I sign "
          "her up for her? And is the hub meeting accessible by wheelchair?\n\n{first} {last}")
HELP = ("How does it work?", "Hi, how do I find out when my local hub meets?\n\n{first}")


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    email: str
    postcode: str | None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def person(i: int, rng: random.Random, with_postcode: bool = True) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = f"{first}.{last}".lower().replace("'", "")
    return Person(first, last, f"{local}{i}@{rng.choice(DOMAINS)}",
                  rng.choice(POSTCODES) if with_postcode else None)


def _message(sender: Person, to: str, subject: str, body: str, when: datetime,
             extra: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{sender.name} <{sender.email}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.email.split("@")[1])
    for k, v in (extra or {}).items():
        msg[k] = v
    msg.set_content(body)
    return msg.as_bytes(policy=email_policy.SMTP)


def signup(i: int, rng: random.Random, to: str, when: datetime) -> tuple[Person, bytes]:
    """A first contact asking to join, in one of several styles."""
    subject, body = rng.choice(SIGNUP_STYLES)
    p = person(i, rng, with_postcode="{pc" in body)
    pc = p.postcode or ""
    text = body.format(pc=pc, pc_lower=pc.lower(), pc_nospace=pc.replace(" ", ""),
                       first=p.first, last=p.last)
    return p, _message(p, to, subject, text, when)


def reply_to(sent: bytes, sender: Person, body: str, when: datetime) -> bytes:
    """A reply to a message we sent, the way a mail client writes it (quote included)."""
    orig = message_from_bytes(sent, policy=email_policy.default)
    to = str(orig.get("Reply-To") or orig.get("From"))
    subject = str(orig.get("Subject", ""))
    part = orig.get_body(preferencelist=("plain",))
    quoted = "\n".join("> " + line for line in (part.get_content() if part else "").splitlines())
    text = f"{body}\n\nOn {formatdate(localtime=False)}, {parseaddr(to)[1]} wrote:\n{quoted}\n"
    return _message(sender, to, f"Re: {subject}", text, when,
                    {"In-Reply-To": str(orig["Message-ID"]),
                     "References": str(orig["Message-ID"])})


def confirm_reply(sent: bytes, sender: Person, rng: random.Random, when: datetime) -> bytes:
    """A member's answer to the confirmation mail."""
    body = rng.choice(["Yes, I agree with all twelve principles.", "Yes", "I commit. Solidarity!",
                       "Confirmed - I agree to the principles.", "yes please count me in"])
    return reply_to(sent, sender, body, when)


def postcode_reply(sent: bytes, sender: Person, postcode: str, when: datetime) -> bytes:
    return reply_to(sent, sender, f"Sorry! It's {postcode}", when)


def out_of_office(sender: Person, to: str, when: datetime, in_reply_to: str | None) -> bytes:
    extra = {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}
    if in_reply_to:
        extra["In-Reply-To"] = in_reply_to
    return _message(sender, to, "Out of Office: Re: Please confirm your membership",
                    "I am out of the office until Monday with limited access to email.\n",
                    when, extra)


def bounce(to: str, failed: str, when: datetime, original_message_id: str | None) -> bytes:
    """A standard delivery status notification (RFC 3464) for *failed*."""
    boundary = "=_dsn_boundary"
    quoted = f"Message-ID: {original_message_id}\r\n" if original_message_id else ""
    text = (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: {to}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nDate: {format_datetime(when)}\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.net')}\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        f"\r\n--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system at host mx.example.net.\r\n\r\nI'm sorry to have to inform you "
        f"that your message could not be delivered.\r\n\r\n<{failed}>: host said: 550 5.1.1 "
        f"User unknown\r\n\r\n--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; {failed}\r\n"
        f"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"\r\n--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: For the Many <{to}>\r\nTo: <{failed}>\r\n{quoted}"
        f"\r\n--{boundary}--\r\n")
    return text.encode()


def simple(sender: Person, to: str, subject_body: tuple[str, str], when: datetime) -> bytes:
    subject, body = subject_body
    return _message(sender, to, subject, body.format(first=sender.first, last=sender.last), when)


def mix(n: int, to: str, seed: int = 1, start: datetime | None = None
        ) -> list[tuple[str, Person, bytes]]:
    """*n* first contacts: mostly signups, with a leave, help, review, out-of-office, bounce.

    Returns (label, person, raw) where label is what a careful reader would call it.
    """
    rng = random.Random(seed)
    when = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    out: list[tuple[str, Person, bytes]] = []
    for i in range(n):
        when += timedelta(minutes=rng.randint(1, 20))
        slot = i % 20
        if slot == 7:
            p = person(i, rng)
            out.append(("leave", p, simple(p, to, LEAVE, when)))
        elif slot == 11:
            p = person(i, rng)
            out.append(("review", p, simple(p, to, REVIEW, when)))
        elif slot == 13:
            p = person(i, rng)
            out.append(("help", p, simple(p, to, HELP, when)))
        elif slot == 17:
            p = person(i, rng)
            out.append(("auto_reply", p, out_of_office(p, to, when, None)))
        elif slot == 19:
            p = person(i, rng)
            out.append(("bounce", p, bounce(to, p.email, when, None)))
        else:
            p, raw = signup(i, rng, to, when)
            out.append(("join", p, raw))
    return out
