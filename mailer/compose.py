"""From a row to bytes: the variables, the headers for each kind of mail, and the envelope.

Kinds (``lists.outbox.KINDS``) decide the headers:

    reply     Auto-Submitted: auto-replied (RFC 3834), In-Reply-To/References
    notice    Auto-Submitted: auto-generated
    list      List-Id (RFC 2919), List-Unsubscribe (+ -Post, RFC 8058), Precedence: list
    digest    as list, and Auto-Submitted: auto-generated
    bulletin  as list, with the network's bulletin List-Id

Every message gets From (the network's name and address), Reply-To, Date, To,
Subject and a Message-ID that names its row (``lists.msgid``). With VERP on, the
envelope sender names the row too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lists.msgid import Kind, make_message_id, verp_address
from lists.outbox import LIST_KINDS
from mailer.config import Identity
from mailer.dkim import Signer
from mailer.mime import Attachment, Body, MessageFactory, Personal, list_id, list_unsubscribe
from mailer.render import Renderer, variables
from mailer.smtp import Envelope


@dataclass(frozen=True, slots=True)
class Hub:
    """What a message needs to know of a hub: its slug (template lookup, List-Id) and name."""

    id: int
    slug: str
    name: str


class Composer:
    """Turns rendered words into a signed, addressed message for one relay and network."""

    def __init__(self, identity: Identity, renderer: Renderer, signer: Signer | None = None,
                 verp: bool = False) -> None:
        self.identity = identity
        self.renderer = renderer
        self.signer = signer
        self.verp = verp
        self._factories: dict[tuple[str, int | None], MessageFactory] = {}

    # -- the parts ------------------------------------------------------------------
    def network_vars(self) -> dict[str, str]:
        i = self.identity
        return {"name": i.name, "address": i.address, "help_contact": i.help_contact or i.address,
                "base_url": i.base_url}

    def unsubscribe(self, token: str | None) -> tuple[str, str]:
        """(mailto address, https URL or "") for an unsubscribe token; ("", "") without one."""
        if not token:
            return "", ""
        mailto = self.identity.sub_address(f"unsub-{token}")
        base = self.identity.base_url.rstrip("/")
        return mailto, f"{base}/unsubscribe?token={token}" if base else ""

    def variables(self, kind: str, to_addr: str, to_name: str | None, token: str | None,
                  context: Mapping[str, Any], hub: Hub | None) -> dict[str, Any]:
        mailto, url = self.unsubscribe(token)
        return variables(network=self.network_vars(), kind=kind, recipient_addr=to_addr,
                         recipient_name=to_name, unsub_mailto=mailto, unsub_url=url,
                         context=context,
                         hub={"slug": hub.slug, "name": hub.name} if hub else None)

    def factory(self, kind: str, hub: Hub | None) -> MessageFactory:
        key = (kind, hub.id if hub else None)
        f = self._factories.get(key)
        if f is None:
            i = self.identity
            common: list[tuple[str, str]] = []
            if kind in LIST_KINDS:
                if hub and kind != "bulletin":
                    common.append(("List-Id", list_id(hub.slug, hub.name, i.message_id_domain)))
                else:
                    common.append(("List-Id", list_id("bulletin", f"{i.name} bulletin",
                                                      i.message_id_domain)))
                common.append(("Precedence", "list"))
            if kind == "reply":
                common.append(("Auto-Submitted", "auto-replied"))
            elif kind in ("notice", "digest"):
                common.append(("Auto-Submitted", "auto-generated"))
            f = MessageFactory(i.name, i.address, i.reply_to or i.address, common)
            self._factories[key] = f
        return f

    def is_own(self, addr: str) -> bool:
        """The network's address or one of its sub-addresses."""
        local, _, domain = self.identity.address.partition("@")
        a_local, _, a_domain = addr.strip().partition("@")
        return a_domain.lower() == domain.lower() and (
            a_local == local or a_local.startswith(local + self.identity.delimiter))

    def sender(self, kind: Kind, row_id: int) -> str:
        """The envelope sender: a VERP address naming the row, or the network's address."""
        i = self.identity
        if self.verp:
            return verp_address(i.address, i.delimiter, i.key, kind, row_id)
        return i.address

    # -- the whole ------------------------------------------------------------------
    def envelope(self, *, ref: Kind, row_id: int, kind: str, to_addr: str,
                 to_name: str | None, words: Body, token: str | None, hub: Hub | None,
                 now: datetime, in_reply_to: str | None = None,
                 reply_to: str | None = None,
                 attachments: tuple[Attachment, ...] = ()) -> tuple[Envelope, str]:
        """The envelope and bytes for one message, and its Message-ID.

        *reply_to* replaces the network's Reply-To for this message only, and must be
        one of the network's own sub-addresses (a confirm or erase token address), so
        that a plain "reply" carries the token back. *attachments* follow the words
        (an event's invitation: ``mailer.ics.attachments_for``).
        """
        i = self.identity
        message_id = make_message_id(i.key, ref, row_id, i.message_id_domain)
        mailto, url = self.unsubscribe(token)
        listy = kind in LIST_KINDS and bool(mailto)
        personal = Personal(
            to_name=to_name, to_addr=to_addr, message_id=message_id,
            list_unsubscribe=list_unsubscribe(mailto, url) if listy else None,
            one_click=listy and bool(url),
            in_reply_to=in_reply_to if kind == "reply" or in_reply_to else None,
            reply_to=reply_to if reply_to and self.is_own(reply_to) else None)
        data = self.factory(kind, hub).build(personal, words, now, attachments)
        if self.signer is not None:
            data = self.signer.sign(data)
        return Envelope(self.sender(ref, row_id), to_addr, data), message_id


def wants_token(kind: str, member_id: int | None) -> bool:
    """List mail always carries an unsubscribe token; a notice to a member does too."""
    return kind in LIST_KINDS or (kind == "notice" and member_id is not None)
