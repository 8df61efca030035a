"""``ftm events``, ``ftm posts``, ``ftm bulletins``: what the hub lists hold, how sends went."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ftm import wiring
from ftm.app import App
from lists import bulletins, events, posts
from lists.clock import utcnow
from lists.replies import Replier
from lists.store import transaction


@click.group("events")
def events_group() -> None:
    """Hub events: what is coming up, and how many members said they are going.

    Officers mail events to their hub's address; ftm checks them with the officer
    (an approval code) before the notice, with its calendar invitation, goes out.
    """


@events_group.command("list")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only this hub's events.")
@click.option("--past", is_flag=True, help="Past events too.")
@click.pass_obj
def events_list(app: App, hub_slug: str | None, past: bool) -> None:
    """List events (soonest first) with their state and the going count."""
    rows = events.upcoming(app.db(), utcnow(), hub_slug, include_past=past)
    table = Table("id", "hub", "date", "time", "what", "where", "state", "going", "organiser")
    for r in rows:
        table.add_row(str(r["id"]), r["hub"], r["local_date"], r["local_start"], r["title"],
                      r["venue"], r["state"], str(r["going"]), r["organiser"])
    Console().print(table)
    click.echo(f"{len(rows)} event(s)")


@events_group.command("cancel")
@click.argument("event_id", type=int)
@click.option("--note", default="", metavar="TEXT",
              help="A line for the members told (why, what happens instead).")
@click.option("--yes", is_flag=True, help="Do not ask before cancelling.")
@click.pass_obj
def events_cancel(app: App, event_id: int, note: str, yes: bool) -> None:
    """Call an event off: everyone told of it hears it is off, and no reminder goes.

    The members who got the notice (and the digest readers, when a digest listed
    it, and those who said they are going) get a cancellation with a calendar
    update that removes it; the organiser is told. The daemon sends the mail, or
    `ftm outbox flush`. An organiser can do the same by replying CANCEL to the mail
    that confirmed their event's approval.
    """
    db = app.db()
    e = events.get(db, event_id)
    if e is None:
        raise click.ClickException(f"no event {event_id} (see `ftm events list --past`)")
    if not yes:
        click.confirm(f"Cancel event {event_id}, {e['title']!r} on {e['local_date']} "
                      f"{e['local_start']} ({e['state']})?", abort=True)
    now = utcnow()
    rules = wiring.policy(app)
    with transaction(db):
        r = Replier(db, now, rules.replies_per_day, rules.suppression_key)
        result = events.cancel(db, event_id, "ftm events cancel", now, r, note)
    click.echo(result.action)
    after = events.get(db, event_id)
    if after is None or after["state"] != "cancelled" or e["state"] == "cancelled":
        raise SystemExit(1)


@click.group("posts")
def posts_group() -> None:
    """Hub posts waiting for their author's confirmation or an officer's approval.

    Officers approve or reject a post by replying to the mail ftm sent them.
    """


@posts_group.command("list")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only this hub's posts.")
@click.pass_obj
def posts_list(app: App, hub_slug: str | None) -> None:
    """List the posts that wait (held for an officer, or for their author)."""
    rows = posts.held(app.db(), hub_slug)
    table = Table("id", "hub", "from", "subject", "waits for", "since")
    for r in rows:
        table.add_row(str(r["id"]), r["hub"], r["from_addr"], r["subject"],
                      "an officer" if r["state"] == "held" else "its author",
                      r["created_at"][:16])
    Console().print(table)
    click.echo(f"{len(rows)} post(s) waiting")


@click.group("bulletins")
def bulletins_group() -> None:
    """National bulletins: drafts awaiting approval, and how each send went.

    A steering-group member mails the bulletin address; ftm replies with a preview
    and a one-time code, and only the approval reply starts the send.
    """


@bulletins_group.command("list")
@click.option("--limit", default=20, show_default=True, help="Show at most this many.")
@click.pass_obj
def bulletins_list(app: App, limit: int) -> None:
    """List the latest bulletins with their audience, state and delivery counts."""
    rows = bulletins.recent(app.db(), limit)
    table = Table("id", "subject", "audience", "size", "from", "state", "delivered", "failed",
                  "created")
    for r in rows:
        table.add_row(str(r["id"]), r["subject"], r["audience"], str(r["audience_size"]),
                      r["requested_by"], r["state"] + (" (done)" if r["finished_at"] else ""),
                      str(r["delivered"]), str(r["failed"]), r["created_at"][:16])
    Console().print(table)
    click.echo(f"{len(rows)} bulletin(s)")
