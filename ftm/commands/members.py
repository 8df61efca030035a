"""``ftm members``: look up and manage members."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ftm.app import App


@click.group()
def members() -> None:
    """Members: list them, look one up, explain their state."""


@members.command("list")
@click.option("--state", type=click.Choice(["pending", "active", "left", "expired", "disabled"]),
              help="Only members in this state.")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only members of this hub.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many.")
@click.pass_obj
def list_members(app: App, state: str | None, hub_slug: str | None, limit: int) -> None:
    """List members, newest first."""
    db = app.db()
    where, params = [], []
    if state:
        where.append("m.state = ?")
        params.append(state)
    if hub_slug:
        where.append("h.slug = ?")
        params.append(hub_slug)
    sql = ("SELECT m.email, m.name, m.postcode, m.state, h.slug AS hub, m.created_at "
           "FROM members m LEFT JOIN hubs h ON h.id = m.hub_id "
           + ("WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY m.id DESC LIMIT ?")
    rows = list(db.query(sql, [*params, limit]))
    table = Table("email", "name", "postcode", "state", "hub", "since")
    for r in rows:
        table.add_row(r["email"], r["name"] or "", r["postcode"] or "", r["state"],
                      r["hub"] or "(unassigned)", r["created_at"][:10])
    Console().print(table)
    click.echo(f"{len(rows)} member(s) shown")
