"""Logging in to the relay: AUTH PLAIN, LOGIN and XOAUTH2, with one retry on a stale token.

``login(client)`` runs on a greeted (and, where configured, encrypted) ``SmtpClient``
and raises ``SmtpAuthFailed``, ``SmtpThrottled`` or ``SmtpTemporary`` (see
``mailer.smtpreply``) when the relay does not let us in. Secrets are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import TYPE_CHECKING

from mailer.smtpreply import (
    THROTTLE,
    Reply,
    SmtpAuthFailed,
    SmtpPermanent,
    SmtpTemporary,
    SmtpThrottled,
)

if TYPE_CHECKING:
    from mailer.smtp import SmtpClient

log = logging.getLogger(__name__)


async def login(client: SmtpClient) -> None:
    """AUTH XOAUTH2 (auth = xoauth2), else PLAIN, else LOGIN; secrets never logged."""
    cfg = client.cfg
    offered = client.extensions.get("auth", "").upper().split()
    user = cfg.username
    if cfg.auth == "xoauth2":
        reply = await _xoauth2(client, user)
    elif "PLAIN" in offered or not offered:
        blob = base64.b64encode(f"\0{user}\0{cfg.password or ''}".encode())
        reply = await client.command(b"AUTH PLAIN " + blob + b"\r\n")
    elif "LOGIN" in offered:
        reply = await client.command(b"AUTH LOGIN\r\n")
        if reply.code == 334:
            reply = await client.command(base64.b64encode(user.encode()) + b"\r\n")
        if reply.code == 334:
            reply = await client.command(
                base64.b64encode((cfg.password or "").encode()) + b"\r\n")
    else:
        raise SmtpPermanent(f"{cfg.host} offers no login method ftm speaks "
                            f"({' '.join(offered)})")
    if reply.code == 235:
        return
    if reply.throttle:
        raise SmtpThrottled(f"{cfg.host} refused the login for now: {reply}", reply)
    if reply.code >= 500:
        raise SmtpAuthFailed(f"{cfg.host} refused the login for {user}: {reply}", reply)
    raise SmtpTemporary(f"{cfg.host} could not log in {user}: {reply}", reply)


async def _xoauth2(client: SmtpClient, user: str) -> Reply:
    """AUTH XOAUTH2 with the current access token; when the relay refuses it as if it
    had expired, the token is invalidated and the login tried once with a fresh one."""
    token = await _access_token(client)
    reply = await _auth_xoauth2(client, user, token)
    tokens = client.cfg.oauth
    if tokens is None or not _maybe_stale(reply):
        return reply
    tokens.invalidate(token)
    fresh = await _access_token(client)
    if fresh == token:
        return reply        # nothing fresher to offer (a fixed token, or a new one)
    log.info("relay %s: the access token for %s was refused; trying a fresh one",
             client.cfg.host, user)
    reply = await _auth_xoauth2(client, user, fresh)
    if _maybe_stale(reply):
        tokens.invalidate(fresh)
    return reply


async def _access_token(client: SmtpClient) -> str:
    """The token to log in with, asked for in a thread (a refresh is an HTTP request)."""
    tokens = client.cfg.oauth
    token = await asyncio.to_thread(tokens.token) if tokens is not None else None
    if not token:
        raise SmtpAuthFailed(f"no OAuth access token for {client.cfg.username} on "
                             f"{client.cfg.host}")
    return token


async def _auth_xoauth2(client: SmtpClient, user: str, token: str) -> Reply:
    blob = base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode())
    reply = await client.command(b"AUTH XOAUTH2 " + blob + b"\r\n")
    if reply.code == 334:  # the error details come as a challenge; answer empty
        reply = await client.command(b"\r\n")
    return reply


def _maybe_stale(reply: Reply) -> bool:
    """A login answer that may mean an expired access token: 535, or a 454 that is not
    the relay asking us to slow down."""
    return reply.code == 535 or (reply.code == 454 and not THROTTLE.search(reply.text))
