"""``ftm run``: the daemon in the foreground, or one drain with ``--once``."""

from __future__ import annotations

import logging

import click

from ftm import daemon
from ftm.app import App, setup_logging
from inbox.imap import WatchError
from inbox.web import WebError


@click.command()
@click.option("--once", is_flag=True,
              help="Process what is in the inbox, run every periodic job once, and exit.")
@click.pass_obj
def run(app: App, once: bool) -> None:
    """Run ftm: watch the inbox, receive mail, send what is queued, run periodic jobs.

    With [http] listen set it also answers the one-click unsubscribe links of
    [network] base_url (behind your TLS proxy).

    Stays in the foreground and logs one line per message (Message-ID, intent,
    outcome) to stderr, which journald keeps when it runs as the ftm.service unit.
    SIGTERM or Ctrl-C finishes the message in hand and stops. Under systemd it
    reports READY and WATCHDOG. Pending migrations are applied first.
    """
    if logging.getLogger().level != logging.DEBUG:  # -v wins over [log] level
        setup_logging(app.settings.log.level)
    # protocol dumps carry people's mail and tokens: never, not even with -v
    logging.getLogger("imapclient").setLevel(logging.INFO)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    try:
        code = daemon.run(app, once=once)
    except (daemon.DaemonError, WatchError, WebError) as e:
        raise click.ClickException(str(e)) from None
    if code:
        raise SystemExit(code)
