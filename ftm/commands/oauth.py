"""``ftm oauth``: get the refresh token for Gmail's XOAUTH2 once, and check it works."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ftm import consent as consent_mod
from ftm import logins
from ftm.app import App
from ftm.consent import ConsentError
from ftm.credentials import SECRETS
from ftm.oauth import OAuthClient, OAuthError, TokenSource


@click.group("oauth")
def oauth_group() -> None:
    """Gmail with OAuth (XOAUTH2): the one-time consent, and a check of the tokens.

    See the README, "Gmail with OAuth", for the Google Cloud console steps that give
    the client id and secret these commands use.
    """


@oauth_group.command()
@click.option("--user", metavar="ADDRESS",
              help="The Gmail account to sign in as (default: [imap] username, else "
                   "[smtp] username, else [network] address).")
@click.option("--out", "outs", metavar="FILE", multiple=True, type=click.Path(path_type=Path),
              help="Write the refresh token to FILE (mode 0600); may be given twice, "
                   "e.g. for imap-oauth-refresh-token and smtp-oauth-refresh-token. "
                   "Without it the token is printed.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 the browser comes back to (0: any free one; fix it "
                   "to forward it with ssh -L).")
@click.option("--minutes", type=click.FloatRange(0.1, 60), default=10, show_default=True,
              help="How long to wait for the browser.")
@click.pass_obj
def consent(app: App, user: str | None, outs: tuple[Path, ...], port: int,
            minutes: float) -> None:
    """Sign in to Gmail in a browser once and get the refresh token ftm logs in with.

    The OAuth client comes from FTM_OAUTH_CLIENT_ID and FTM_OAUTH_CLIENT_SECRET (or
    the credentials oauth-client-id and oauth-client-secret under
    $CREDENTIALS_DIRECTORY); it is asked for when neither is set. Open the address
    printed, sign in, choose Allow. When the browser runs on another computer its
    last page will not load: paste that page's whole address here.
    """
    s = app.settings
    for out in outs:
        if not out.parent.is_dir():
            raise click.ClickException(f"--out {out}: there is no folder {out.parent}")
    client_id = s.secret("oauth_client_id") or click.prompt("OAuth client id")
    client_secret = s.secret("oauth_client_secret") or click.prompt(
        "OAuth client secret (not shown)", hide_input=True)
    try:
        client = OAuthClient(client_id.strip(), client_secret.strip(), s.oauth.token_url)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    account = user or s.imap.username or s.smtp.username or s.network.address
    try:
        with consent_mod.Listener(port) as listener:
            pending = consent_mod.start(client, listener.port, account)
            click.echo(f"1. Open this address in a browser and sign in as {account}:\n\n"
                       f"   {pending.url}\n\n"
                       "2. Choose Allow (if Google says it has not verified the app: "
                       "Advanced, then Go to ...).\n"
                       f"   Google then sends the browser to {pending.redirect_uri}; if that "
                       "page does not load\n"
                       "   (the browser is on another computer), paste its whole address "
                       "here and press Enter.\n")
            listener.paste(sys.stdin.readline)
            click.echo(f"Waiting up to {minutes:g} minutes ...")
            code = consent_mod.code_from(pending, listener.wait(minutes * 60))
        token = consent_mod.refresh_token(client, pending, code)
    except (ConsentError, OAuthError) as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {e.strerror}") from None
    if not outs:
        click.echo(f"The refresh token (keep it secret):\n{token}")
    for out in outs:
        consent_mod.write_secret(out, token)
        click.echo(f"wrote    {out} (mode 0600)")
    click.echo("Done. Restart ftm (systemctl restart ftm) for it to use the new token.")


@oauth_group.command()
@click.pass_obj
def check(app: App) -> None:
    """Fetch an access token for each XOAUTH2 login now: does the refresh token work?

    Exits 1 with the reason (a revoked refresh token, a wrong client) when one fails.
    """
    s = app.settings
    failed = False
    checked = 0
    for protocol, auth in (("imap", s.imap.auth), ("smtp", s.smtp.auth)):
        if auth != "xoauth2":
            continue
        checked += 1
        try:
            tokens = logins.oauth_tokens(s, protocol, app.oauth_tokens)  # type: ignore[arg-type]
            tokens.token()
        except OAuthError as e:
            failed = True
            click.echo(f"{protocol}: {e}")
            continue
        if isinstance(tokens, TokenSource):
            click.echo(f"{protocol}: OK, {tokens.client.who} gave an access token for the "
                       "refresh token")
        else:
            click.echo(f"{protocol}: an access token is set by hand "
                       f"({SECRETS[f'{protocol}_oauth_token'].env}); it is used as it is "
                       "and expires within the hour")
    if not checked:
        click.echo("neither [imap] auth nor [smtp] auth is xoauth2: nothing to check")
    if failed:
        sys.exit(1)
