"""The secrets IMAP and SMTP log in with: a password, or an XOAUTH2 access token.

With ``auth = "xoauth2"`` a refresh token (``FTM_IMAP_OAUTH_REFRESH_TOKEN``,
``FTM_SMTP_OAUTH_REFRESH_TOKEN``) with the OAuth client's id and secret gives a
``ftm.oauth.TokenSource`` that fetches access tokens as they expire; IMAP and SMTP
share one when their client and refresh token are the same. Without a refresh token
an access token set by hand (``FTM_IMAP_OAUTH_TOKEN``, ...) is used as it is, read at
each login. The OAuth errors are mapped here, in one place, to each room's own:

    OAuthRefused      -> inbox.imap.LoginFailed     mailer.smtpreply.SmtpAuthFailed
    OAuthUnavailable  -> inbox.imap.WatchError      mailer.smtpreply.SmtpTemporary
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ftm.credentials import SECRETS
from ftm.oauth import OAuthClient, OAuthError, OAuthRefused, SecretToken, TokenSource, TokenSources
from ftm.settings import ConfigError, Settings
from inbox.imap import LoginFailed, WatchError
from mailer.smtpreply import SmtpAuthFailed, SmtpTemporary

Protocol = Literal["imap", "smtp"]


def _where(name: str) -> str:
    s = SECRETS[name]
    return f"{s.env} or the systemd credential {s.credential}"


def oauth_tokens(s: Settings, protocol: Protocol,
                 sources: TokenSources) -> TokenSource | SecretToken:
    """How *protocol*'s XOAUTH2 login gets its access token (ConfigError when it cannot)."""
    refresh = SECRETS[f"{protocol}_oauth_refresh_token"]
    access = SECRETS[f"{protocol}_oauth_token"]
    refresh_token = s.secret(refresh.name)
    if refresh_token:
        missing = [n for n in ("oauth_client_id", "oauth_client_secret") if not s.secret(n)]
        if missing:
            raise ConfigError(f"[{protocol}] auth = xoauth2 with a refresh token needs the "
                              f"OAuth client too: set " + "; ".join(_where(n) for n in missing))
        client = OAuthClient(s.secret("oauth_client_id") or "",
                             s.secret("oauth_client_secret") or "", s.oauth.token_url,
                             hint=f"{SECRETS['oauth_client_id'].env} and "
                                  f"{SECRETS['oauth_client_secret'].env} (or their "
                                  "credentials)")
        where = f"the credential {refresh.credential} (or {refresh.env})"
        return sources.get(client, refresh_token, where)
    if s.secret(access.name):
        return SecretToken(lambda: s.secret(access.name))
    raise ConfigError(f"[{protocol}] auth = xoauth2 but no OAuth token is set: set "
                      f"{refresh.env} with {SECRETS['oauth_client_id'].env} and "
                      f"{SECRETS['oauth_client_secret'].env} (or their systemd credentials "
                      f"{refresh.credential}, ...), or an access token in {access.env}")


def imap_login(s: Settings, sources: TokenSources
               ) -> tuple[Callable[[], str | None], Callable[[str], None] | None]:
    """The watcher's ``credential`` and ``refused`` callables for ``[imap] auth``."""
    if s.imap.auth != "xoauth2":
        info = SECRETS["imap_password"]
        if not s.secret(info.name):
            raise ConfigError(f"[imap] enabled = true but no {info.help} is set: set "
                              f"{info.env} or the systemd credential {info.credential}")
        return (lambda: s.secret(info.name)), None
    source = oauth_tokens(s, "imap", sources)

    def credential() -> str | None:
        try:
            return source.token()
        except OAuthRefused as e:
            raise LoginFailed(f"IMAP: {e}") from None
        except OAuthError as e:
            raise WatchError(f"IMAP: {e}") from None

    return credential, source.invalidate


@dataclass(frozen=True, slots=True)
class RelayTokens:
    """A token source as the mailer sees it (``mailer.config.AccessTokens``)."""

    source: TokenSource | SecretToken

    def token(self) -> str | None:
        try:
            return self.source.token()
        except OAuthRefused as e:
            raise SmtpAuthFailed(str(e)) from None
        except OAuthError as e:
            raise SmtpTemporary(str(e)) from None

    def invalidate(self, token: str) -> None:
        self.source.invalidate(token)
