"""Wiring for outbound mail: the mailer's small config values, filled from the settings."""

from __future__ import annotations

import socket
from collections.abc import Callable

from ftm.app import App
from ftm.logins import RelayTokens, oauth_tokens
from ftm.oauth import TokenSources
from ftm.settings import ConfigError, Settings
from mailer.bulk import BulkSender
from mailer.compose import Composer
from mailer.config import DkimConfig, Identity, RelayConfig
from mailer.deliver import OutboxDeliverer
from mailer.dkim import DkimError, Signer
from mailer.engine import RunReport
from mailer.render import Renderer


def relay_config(s: Settings, tokens: TokenSources | None = None) -> RelayConfig:
    """The relay as the mailer sees it; secrets read here, kept out of reprs and logs.

    With XOAUTH2 the access token is asked for at each login: refreshed through
    *tokens* (the process's shared sources) when a refresh token is set.
    """
    smtp = s.smtp
    if smtp.username and smtp.auth == "password" and not s.secret("smtp_password"):
        raise ConfigError("[smtp] username is set but there is no password: set "
                          "FTM_SMTP_PASSWORD or the smtp-password credential")
    oauth = None
    if smtp.auth == "xoauth2":
        oauth = RelayTokens(oauth_tokens(s, "smtp",
                                         tokens if tokens is not None else TokenSources()))
    return RelayConfig(
        host=smtp.host, port=smtp.port, security=smtp.security,  # type: ignore[arg-type]
        username=smtp.username, password=s.secret("smtp_password"),
        auth=smtp.auth,  # type: ignore[arg-type]
        oauth=oauth, rate=smtp.rate,
        concurrency=smtp.concurrency, daily_quota=smtp.daily_quota, verp=smtp.verp,
        timeout=smtp.timeout, helo=socket.gethostname() or "localhost")


def identity(s: Settings, key: bytes) -> Identity:
    n = s.network
    return Identity(name=n.name, address=n.address, key=key, delimiter=n.delimiter,
                    reply_to=n.reply_to, base_url=n.base_url,
                    message_id_domain=n.message_id_domain, help_contact=n.help_contact)


def signer(s: Settings) -> Signer | None:
    """A DKIM signer when a key is configured (ConfigError when it cannot sign)."""
    key = s.secret("dkim_key")
    if not key:
        return None
    if not s.dkim.selector:
        raise ConfigError("FTM_DKIM_KEY is set but [dkim] selector is empty")
    domain = s.dkim.domain or s.network.address.rsplit("@", 1)[1]
    try:
        return Signer(DkimConfig(s.dkim.selector, domain, key.encode()))
    except DkimError as e:
        raise ConfigError(f"[dkim]: {e}") from None


def composer(app: App) -> Composer:
    s = app.settings
    return Composer(identity(s, app.secret_key()), Renderer(s.paths.templates_dir or None),
                    signer(s), verp=s.smtp.verp)


def outbox_deliverer(app: App) -> OutboxDeliverer:
    return OutboxDeliverer(app.db(), relay_config(app.settings, app.oauth_tokens), composer(app))


def bulk_sender(app: App, send_id: int,
                progress: Callable[[RunReport], None] | None = None) -> BulkSender:
    return BulkSender(app.db(), relay_config(app.settings, app.oauth_tokens), composer(app),
                      send_id, progress=progress)
