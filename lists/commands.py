"""Commands: what an inbound message asks of the membership, one frozen class per intent.

``inbox/`` turns a classified message into one of these (with who is proven to have
sent it); ``lists.membership.run`` consumes them with ``match``. A command carries
plain values only, so the domain never sees MIME.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a command came from and what proves it.

    ``email`` is the sender's address as written in From (or the address a message
    is about); ``proof`` says what shows the sender owns it: ``"token"`` (one of our
    single-use tokens, redeemed), ``"reply"`` (an In-Reply-To naming a Message-ID we
    sent to this address: it carries an HMAC, so it cannot be guessed), ``"dkim"``
    (a DKIM pass recorded by the deployment's own mail provider for From's domain),
    or ``None`` (only a From header, which anyone can forge).
    """

    email: str
    message_id: str
    proof: str | None = None
    token: str | None = None          # the token found in the To address, if any
    token_action: str | None = None   # "confirm", "unsub", "erase", ...
    reply_to_outbox: int | None = None  # our outbox row this message answers
    received_via: str = "imap"       # imap, lmtp, smtp; "web" for a one-click unsubscribe link
    sender: str = ""                  # the From address (email may be someone it is about)


@dataclass(frozen=True, slots=True)
class Join:
    origin: Origin
    name: str | None
    postcode: str | None
    commitment: bool = False          # join_commit: still needs the round-trip
    organisation: str | None = None   # org_join: the organisation's name


@dataclass(frozen=True, slots=True)
class Commit:
    origin: Origin
    postcode: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Leave:
    origin: Origin


@dataclass(frozen=True, slots=True)
class Erase:
    origin: Origin


@dataclass(frozen=True, slots=True)
class Move:
    origin: Origin
    postcode: str | None


@dataclass(frozen=True, slots=True)
class Status:
    origin: Origin


@dataclass(frozen=True, slots=True)
class Help:
    origin: Origin


@dataclass(frozen=True, slots=True)
class Bounce:
    origin: Origin
    recipients: tuple[str, ...]
    hard: bool
    status: str = ""
    diagnostic: str = ""
    outbox_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ignore:
    """Machine mail or mail to ourselves: recorded, never answered."""

    origin: Origin
    why: str


@dataclass(frozen=True, slots=True)
class Review:
    """What a person must decide; kept with the reason, never answered automatically."""

    origin: Origin
    reason: str
    intent: str = "review"
    details: dict[str, str] = field(default_factory=dict)


# --- the hub lists (lists.listmail) ----------------------------------------------------
# ``origin.email`` is the address in From: roles are looked up by it, and a role
# acts only when ``origin.proof`` is "dkim" or an approval code comes back from it.

@dataclass(frozen=True, slots=True)
class EventNotice:
    """An event mailed to a hub (or by an officer to the main address): fields as read."""

    origin: Origin
    hub_slug: str | None
    title: str
    details: str
    date: str | None = None         # YYYY-MM-DD, local
    start: str | None = None        # HH:MM, local
    end: str | None = None
    venue: str | None = None
    venue_postcode: str | None = None


@dataclass(frozen=True, slots=True)
class HubPost:
    """A message for a hub's members, mailed to the hub's address."""

    origin: Origin
    hub_slug: str
    subject: str
    body: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BulletinDraft:
    """A bulletin mailed to the bulletin address; ``audience`` as ``lists.sends`` reads it."""

    origin: Origin
    subject: str
    body: str
    audience: str = "all"


@dataclass(frozen=True, slots=True)
class Approve:
    """An answer to an approval mail: its token, and "approve", "reject" or None (unclear).

    ``cancel`` is True when the answer asks to call something off ("CANCEL"); ``note``
    is what it says besides, for the people told (an event's cancellation).
    """

    origin: Origin
    token: str
    answer: str | None
    cancel: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Going:
    """ "I'll be there": a reply to an event notice (``delivery_id`` names the copy)."""

    origin: Origin
    delivery_id: int


@dataclass(frozen=True, slots=True)
class SetDelivery:
    """A member's choice of hub mail: ``each`` message, or the ``digest``."""

    origin: Origin
    mode: str


ListCommand = EventNotice | HubPost | BulletinDraft | Approve | Going | SetDelivery
Command = (Join | Commit | Leave | Erase | Move | Status | Help | Bounce | Ignore | Review
           | ListCommand)
