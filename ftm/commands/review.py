"""``ftm review``: the messages ftm would not act on alone, and a volunteer's decision on each."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from ftm import wiring
from ftm.app import App
from inbox.classify import classify
from lists import review
from lists.clock import utcnow
from lists.postcodes import InvalidPostcode, parse_postcode
from lists.store import transaction

SHOW_CHARS = 3000   # how much of the new text `show` prints


@click.group("review")
def review_group() -> None:
    """The review queue: mail ftm would not act on alone, waiting for a person.

    A message goes here when ftm is not sure what it asks, when it asks for something
    only a person should decide, or when it trips a safeguard (a signup storm, a code
    used from the wrong address). The same messages sit in the mailbox folder
    ftm/review. Read one with `ftm review show ID`; then either have ftm act on it as
    you read it (`ftm review resolve ID --as join`), or set it aside
    (`ftm review dismiss ID`), for instance after answering the person yourself.
    """


@review_group.command("list")
@click.option("--all", "include_resolved", is_flag=True, help="Resolved items too, newest first.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many.")
@click.pass_obj
def review_list(app: App, include_resolved: bool, limit: int) -> None:
    """List the items waiting (oldest first): who wrote, what about, and why ftm held it."""
    db = app.db()
    rows = review.items(db, include_resolved, limit)
    table = Table("id", "received", "from", "subject", "read as", "why", *(
        ("resolved",) if include_resolved else ()))
    for r in rows:
        table.add_row(str(r["id"]), r["created_at"][:16], r["from_addr"] or "", r["subject"] or "",
                      r["intent"] or "", r["reason"],
                      *((r["resolution"] or "open",) if include_resolved else ()))
    Console().print(table)
    click.echo(f"{review.count_open(db)} item(s) waiting")


@review_group.command("show")
@click.argument("item_id", type=int)
@click.option("--raw", is_flag=True, help="Write the message exactly as received (an .eml).")
@click.pass_obj
def review_show(app: App, item_id: int, raw: bool) -> None:
    """Show one item: the message's new text, how ftm read it, and why it waits."""
    item = _item(app, item_id)
    if raw:
        sys.stdout.buffer.write(item.raw)
        return
    c = classify(item.raw, wiring.processing(app).context)
    click.echo(f"Review item {item.id}, received {item.created_at[:16]}")
    click.echo(f"From:     {c.from_addr or item.from_addr}")
    click.echo(f"Subject:  {c.subject}")
    click.echo(f"Held because: {item.reason}")
    click.echo(f"Read as:  {c.intent} ({c.confidence:.2f}): {'; '.join(c.reasons) or '-'}")
    found = {"name": c.name, "postcode": c.postcode, "organisation": c.organisation}
    click.echo("Found:    " + (", ".join(f"{k} {v}" for k, v in found.items() if v) or "-"))
    if item.resolved_at:
        click.echo(f"Resolved: {item.resolved_at[:16]}: {item.resolution}")
    click.echo("")
    body = c.body.strip()
    click.echo(body[:SHOW_CHARS] + ("\n[...]" if len(body) > SHOW_CHARS else ""))
    if not item.resolved_at:
        click.echo("")
        click.echo(f"Act on it:     ftm review resolve {item.id} --as "
                   f"{{{','.join(review.RESOLVABLE)}}}")
        click.echo(f"Set it aside:  ftm review dismiss {item.id} [--note TEXT]")


@review_group.command("resolve")
@click.argument("item_id", type=int)
@click.option("--as", "intent", type=click.Choice(review.RESOLVABLE), required=True,
              help="What the message asks, as you read it.")
@click.option("--postcode", metavar="POSTCODE",
              help="Where the person lives, when ftm did not find it (join, move).")
@click.option("--name", metavar="NAME", help="The person's name, when ftm did not find it.")
@click.pass_obj
def review_resolve(app: App, item_id: int, intent: str, postcode: str | None,
                   name: str | None) -> None:
    """Have ftm act on an item as you read it, exactly as if it had understood the mail.

    The usual safeguards stay: a join still needs the person's confirmation, an
    erasure its confirmation mail. The replies wait in the outbox (the daemon sends
    them, or `ftm outbox flush`).
    """
    from inbox.process import StillForReview, resolve

    canonical = None
    if postcode:
        try:
            canonical = parse_postcode(postcode).canonical
        except InvalidPostcode as e:
            raise click.BadParameter(str(e), param_hint="--postcode") from None
    try:
        out = resolve(app.db(), item_id, intent, wiring.processing(app), "ftm review",
                      postcode=canonical, name=name)
    except (LookupError, ValueError) as e:
        raise click.ClickException(str(e).strip("'\"")) from None
    except StillForReview as e:
        raise click.ClickException(f"read as {intent}, it still needs a person: {e}; "
                                   "nothing was done") from None
    click.echo(f"item {item_id}: {out.action}"
               + (f" ({out.replies} repl{'y' if out.replies == 1 else 'ies'} queued)"
                  if out.replies else ""))


@review_group.command("dismiss")
@click.argument("item_id", type=int)
@click.option("--note", default="", metavar="TEXT", help="Why, or what you did instead.")
@click.pass_obj
def review_dismiss(app: App, item_id: int, note: str) -> None:
    """Close an item without ftm doing anything (you answered yourself, or it needs nothing)."""
    db = app.db()
    item = _item(app, item_id)
    with transaction(db):
        if not review.close(db, item, "dismissed" + (f": {note}" if note else ""),
                            "ftm review", utcnow()):
            raise click.ClickException(f"review item {item_id} was resolved already: "
                                       f"{item.resolution}")
    click.echo(f"item {item_id}: dismissed")


def _item(app: App, item_id: int) -> review.Item:
    item = review.get(app.db(), item_id)
    if item is None:
        raise click.ClickException(f"no review item {item_id} (see `ftm review list --all`)")
    return item
