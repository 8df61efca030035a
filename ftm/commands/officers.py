"""``ftm officers``: who holds which hub role, and who is in the steering group."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ftm.app import App
from lists import officers
from lists.clock import utcnow
from lists.officers import ALL_ROLES, STEERING, OfficerError
from lists.store import transaction


@click.group("officers")
def officers_group() -> None:
    """Hub officers and the steering group: set, list, remove.

    A hub has one chair, secretary, membership_secretary, campaigns_coordinator,
    treasurer and representative at a time; the steering group has as many members
    as it needs. The hubs file's [hubs.contacts] also names holders: `ftm hubs sync
    --apply` records a contact that changed there. Holding a role lets a person's
    mail act in it (event notices, approvals, bulletins) only once it is proven by
    a DKIM pass or an approval code sent to the role's address.
    """


@officers_group.command("set")
@click.argument("role", type=click.Choice(ALL_ROLES))
@click.argument("address")
@click.option("--hub", "hub_slug", metavar="SLUG", help="The hub (every role but steering).")
@click.option("--name", help="The holder's name, for the officers' list.")
@click.pass_obj
def set_cmd(app: App, role: str, address: str, hub_slug: str | None, name: str | None) -> None:
    """Give ROLE to ADDRESS (a hub role's previous holder stands down).

        ftm officers set chair ann@example.org --hub liverpool-south
        ftm officers set steering sam@example.org
    """
    db = app.db()
    try:
        with transaction(db):
            o = officers.set_officer(db, role, address, utcnow(), hub_slug, name)
    except OfficerError as e:
        raise click.ClickException(str(e)) from None
    where = f" of {o.hub_slug}" if o.hub_slug else ""
    click.echo(f"{o.email} is {o.role.replace('_', ' ')}{where} since {o.started_at[:10]}")


@officers_group.command("list")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only this hub's officers.")
@click.option("--all", "include_past", is_flag=True, help="Past terms too.")
@click.pass_obj
def list_cmd(app: App, hub_slug: str | None, include_past: bool) -> None:
    """List the officers and the steering group, with when each term began."""
    try:
        rows = officers.current(app.db(), hub_slug, include_past)
    except OfficerError as e:
        raise click.ClickException(str(e)) from None
    table = Table()
    for header in ("hub", "role", "address", "name", "since", "until", "from"):
        table.add_column(header, no_wrap=header in ("address", "since"), overflow="fold")
    for o in rows:
        table.add_row(o.hub_slug or "(national)", o.role.replace("_", " "), o.email,
                      o.name or "", o.started_at[:10], (o.ended_at or "")[:10], o.source)
    Console().print(table)
    click.echo(f"{len(rows)} term(s) shown")


@officers_group.command("remove")
@click.argument("address")
@click.option("--role", type=click.Choice(ALL_ROLES), help="Only this role.")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only at this hub.")
@click.pass_obj
def remove_cmd(app: App, address: str, role: str | None, hub_slug: str | None) -> None:
    """End ADDRESS's current terms (all of them, or one role or hub's)."""
    db = app.db()
    try:
        with transaction(db):
            n = officers.remove_officer(db, address, utcnow(), role,
                                        None if role == STEERING else hub_slug)
    except OfficerError as e:
        raise click.ClickException(str(e)) from None
    if n == 0:
        raise click.ClickException(f"{address} holds no such role now (ftm officers list)")
    click.echo(f"{address}: {n} term(s) ended")
