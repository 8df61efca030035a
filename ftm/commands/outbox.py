"""``ftm outbox``: what waits to be sent and why; deliver it now; retry or cancel one message."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ftm import mailing
from ftm.app import App
from lists import outbox as outbox_mod
from lists import relays, sends
from lists.clock import utcnow
from lists.store import transaction
from mailer.engine import RunReport


def _when(dt: object) -> str:
    return f"{dt:%Y-%m-%d %H:%M}" if dt else ""


@click.group()
def outbox() -> None:
    """The outbox: mail ftm has decided to send, waiting for the relay.

    Replies, confirmations and notices are queued here in the same transaction as
    the change that caused them; the daemon (or `ftm outbox flush`) delivers them
    within the relay's rate and daily quota, and retries what the relay deferred.
    """


@outbox.command("list")
@click.option("--limit", default=50, show_default=True, help="Show at most this many rows.")
@click.pass_obj
def list_cmd(app: App, limit: int) -> None:
    """List what waits (queued, being sent) or failed: why, and when it is tried next."""
    db = app.db()
    now = utcnow()
    rows = outbox_mod.waiting(db, limit=limit)
    table = Table("id", "kind", "to", "template", "state", "tries", "next try", "why")
    for r in rows:
        next_try = "" if r.state == "failed" else (
            "now" if r.next_attempt_at <= now else _when(r.next_attempt_at))
        table.add_row(str(r.id), r.kind, r.to_addr, r.template, r.state, str(r.attempts),
                      next_try, (r.last_error or "")[:60])
    console = Console()
    console.print(table)
    click.echo(f"{len(rows)} row(s) shown; {outbox_mod.due_count(db, now)} due now")
    relay = mailing.relay_config(app.settings)
    used = relays.used(db, relay.name, now)
    line = f"relay {relay.host}: {used} of {relay.daily_quota} sent in the last 24 hours"
    if used >= relay.daily_quota:
        line += f"; the quota allows more at {_when(relays.next_allowed_at(db, relay.name, relay.daily_quota, now))} UTC"  # noqa: E501
    click.echo(line)
    paused = relays.paused(db, relay.name, now)
    if paused:
        click.echo(f"relay paused until {_when(paused[0])} UTC: {paused[1]}")
    for send_id in sends.unfinished(db):
        s = sends.summary(db, send_id)
        click.echo(f"send {send_id}: {s.sent} sent, {s.failed} failed, {s.waiting} waiting "
                   f"(ftm send --resume {send_id})")


def print_report(report: RunReport) -> None:
    """The end-of-run summary a volunteer reads."""
    click.echo(f"delivered {report.sent}, failed {report.failed}, to retry later {report.retry}")
    for why, n in sorted(report.errors.items(), key=lambda kv: -kv[1])[:10]:
        click.echo(f"  failed x{n}: {why}")
    if report.deferred_by_quota:
        click.echo(f"the daily quota is used up: more can go at {_when(report.quota_next_at)} "
                   "UTC")
    if report.stopped:
        click.echo(f"stopped: {report.stopped}")


@outbox.command()
@click.pass_obj
def flush(app: App) -> None:
    """Deliver everything that is due now, then exit (for cron, or to test a relay).

    Exits 1 when the relay stopped the run (refused our login, asked us to slow
    down, could not be reached); what was not sent stays queued.
    """
    report = mailing.outbox_deliverer(app).flush()
    print_report(report)
    if report.stopped:
        raise SystemExit(1)


@outbox.command()
@click.argument("row_id", metavar="ID", type=int)
@click.pass_obj
def retry(app: App, row_id: int) -> None:
    """Queue message ID again now (after it failed, was cancelled, or waits for a retry)."""
    db = app.db()
    with transaction(db):
        ok = outbox_mod.retry(db, row_id, utcnow())
    if not ok:
        raise click.ClickException(f"outbox {row_id} is not failed, cancelled or waiting "
                                   "(see ftm outbox list)")
    click.echo(f"outbox {row_id} queued; it goes with the next flush")


@outbox.command()
@click.argument("row_id", metavar="ID", type=int)
@click.pass_obj
def cancel(app: App, row_id: int) -> None:
    """Cancel message ID so it is never sent (only while it waits in the queue)."""
    db = app.db()
    with transaction(db):
        ok = outbox_mod.cancel(db, row_id)
    if not ok:
        raise click.ClickException(f"outbox {row_id} is not waiting in the queue, so it "
                                   "cannot be cancelled (see ftm outbox list)")
    click.echo(f"outbox {row_id} cancelled")
