"""``ftm deliver``: one message on standard input, as an MTA pipe, alias or .forward gives it."""

from __future__ import annotations

import logging
import sys

import click

from ftm.app import App
from ftm.settings import ConfigError
from ftm.wiring import processing
from inbox.process import process
from lists.store import StoreError

log = logging.getLogger(__name__)

EX_OK, EX_DATAERR, EX_TEMPFAIL, EX_CONFIG = 0, 65, 75, 78


@click.command()
@click.option("--via", default="pipe", show_default=True,
              help="How the message arrived, as recorded with it.")
@click.pass_obj
def deliver(app: App, via: str) -> None:
    """Process one message read from standard input, then exit.

    For an MTA pipe transport, an alias (`ftm: "|ftm deliver"`) or a .forward. The
    exit status follows sendmail's conventions: 0 when the message was processed (or
    was a duplicate), 75 (EX_TEMPFAIL) when the store is busy or unavailable so the
    MTA keeps the message and retries, 78 (EX_CONFIG) when the settings are wrong.
    A message is never lost: it is processed, or the MTA keeps it.
    """
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        click.echo("ftm deliver: empty message on standard input", err=True)
        raise SystemExit(EX_DATAERR)
    try:
        db = app.db()
        outcome = process(db, raw, via, processing(app))
    except ConfigError as e:
        click.echo(f"ftm deliver: config: {e}", err=True)
        raise SystemExit(EX_CONFIG) from None
    except StoreError as e:
        click.echo(f"ftm deliver: store unavailable, try again later: {e}", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    except Exception:  # a bug must not lose the message: the MTA keeps it and retries
        log.exception("processing failed; the message stays with the MTA")
        raise SystemExit(EX_TEMPFAIL) from None
    click.echo(f"{outcome.message_id} {outcome.intent}: {outcome.action}"
               + (f" ({outcome.reason})" if outcome.reason else ""))
