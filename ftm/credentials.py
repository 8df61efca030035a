"""The secrets ftm reads: only from environment variables or systemd credentials, never a file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Secret:
    name: str
    env: str
    credential: str
    help: str


SECRETS: dict[str, Secret] = {s.name: s for s in [
    Secret("imap_password", "FTM_IMAP_PASSWORD", "imap-password",
           "IMAP password (a Gmail app password)"),
    Secret("imap_oauth_refresh_token", "FTM_IMAP_OAUTH_REFRESH_TOKEN",
           "imap-oauth-refresh-token",
           "IMAP OAuth2 refresh token (auth = xoauth2): ftm fetches access tokens with it"),
    Secret("imap_oauth_token", "FTM_IMAP_OAUTH_TOKEN", "imap-oauth-token",
           "IMAP OAuth2 access token, used as it is when no refresh token is set"),
    Secret("smtp_password", "FTM_SMTP_PASSWORD", "smtp-password",
           "SMTP password (a Gmail app password)"),
    Secret("smtp_oauth_refresh_token", "FTM_SMTP_OAUTH_REFRESH_TOKEN",
           "smtp-oauth-refresh-token",
           "SMTP OAuth2 refresh token (auth = xoauth2): ftm fetches access tokens with it"),
    Secret("smtp_oauth_token", "FTM_SMTP_OAUTH_TOKEN", "smtp-oauth-token",
           "SMTP OAuth2 access token, used as it is when no refresh token is set"),
    Secret("oauth_client_id", "FTM_OAUTH_CLIENT_ID", "oauth-client-id",
           "OAuth2 client id (Google Cloud console), needed with a refresh token"),
    Secret("oauth_client_secret", "FTM_OAUTH_CLIENT_SECRET", "oauth-client-secret",
           "OAuth2 client secret, needed with a refresh token"),
    Secret("dkim_key", "FTM_DKIM_KEY", "dkim-key", "DKIM private key, PEM"),
    Secret("secret_key", "FTM_SECRET_KEY", "secret-key",
           "key for Message-ID and approval HMACs (default: a key file beside the database)"),
]}


def read_secret(secret: Secret, environ: Mapping[str, str]) -> str | None:
    value = environ.get(secret.env)
    if value:
        return value
    creds = environ.get("CREDENTIALS_DIRECTORY")
    if creds:
        p = Path(creds) / secret.credential
        if p.is_file():
            return p.read_text(encoding="utf-8").strip()
    return None
