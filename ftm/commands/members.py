"""``ftm members``: look up and manage members."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ftm.app import App
from ftm.commands.memberfiles import export_cmd, import_cmd
from lists.members import STATES


@click.group()
def members() -> None:
    """Members: list them, look one up, explain their state, set their delivery, import
    and export them as CSV."""


members.add_command(import_cmd)
members.add_command(export_cmd)


@members.command("list")
@click.option("--state", type=click.Choice(STATES),
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


@members.command("set")
@click.argument("address")
@click.option("--delivery", type=click.Choice(["each", "digest"]), required=True,
              help="each: every hub post and event as it is sent; digest: collected daily "
                   "or weekly, as the hub chooses.")
@click.pass_obj
def set_member(app: App, address: str, delivery: str) -> None:
    """Change how a member gets their hub's mail (members can also ask by email)."""
    from lists import members as members_mod
    from lists.clock import utcnow
    from lists.listmail import change_delivery
    from lists.store import transaction

    db = app.db()
    m = members_mod.find(db, address)
    if m is None:
        raise click.ClickException(f"there is no member {address} (ftm members list)")
    with transaction(db):
        change_delivery(db, m.id, delivery, utcnow(), "cli")
    click.echo(f"{m.email} now gets " + ("each message" if delivery == "each" else
                                          "the digest"))


STATE_MEANING = {
    "pending": "signed up, has not confirmed yet (a confirmation or postcode request is out)",
    "active": "confirmed member",
    "left": "left the network; keeps no consent",
    "expired": "never confirmed; the signup expired",
    "disabled": "mail to them bounced too often; their hub's membership secretary was told",
}


@members.command()
@click.argument("address")
@click.pass_obj
def show(app: App, address: str) -> None:
    """Explain one member: state, hub and why, consent, pending tokens, recent mail."""
    from lists.clock import utcnow
    from lists.members import describe

    d = describe(app.db(), address, utcnow())
    if d is None:
        click.echo(f"{address}: nothing held about this address")
        raise SystemExit(1)
    m = d["member"]
    console = Console()
    if m is None:
        console.print(f"[bold]{address}[/]: not a member (mail from or to them is below)")
    else:
        console.print(f"[bold]{m.email}[/]  {m.name or '(no name)'}  ({m.kind})")
        console.print(f"  state     {m.state}: {STATE_MEANING.get(m.state, '')}")
        console.print(f"  postcode  {m.postcode or '(none given)'}")
        hub = d["hub"]
        where = f"{hub['name']} ({hub['slug']})" if hub else "unassigned (national list)"
        console.print(f"  hub       {where}")
        console.print(f"  why       {m.route_rule or 'not routed yet'}")
        console.print(f"  joined    {m.created_at[:16]}  confirmed {(m.confirmed_at or '-')[:16]}")
        for c in d["consents"]:
            withdrawn = f", withdrawn {c['withdrawn_at'][:16]}" if c["withdrawn_at"] else ""
            proof = f" (message {c['message_id']})" if c["message_id"] else \
                f" (note: {c['note']})" if c["note"] else ""
            console.print(f"  consent   {c['given_at'][:16]} to principles {c['principles_hash']}"
                          f" by {c['method']}{proof}{withdrawn}", markup=False,
                          highlight=False, soft_wrap=True)
        if not d["consents"]:
            console.print("  consent   none recorded")
    tokens = ", ".join(f"{k} x{v}" for k, v in d["pending_tokens"].items()) or "none"
    console.print(f"  tokens    {tokens} (unused, unexpired)")
    if d["history"]:
        console.print("  history")
        for h in d["history"]:
            console.print(f"    {h['at'][:16]}  {h['action']} by {h['actor']}")
    table = Table("when", "direction", "what", "state / outcome")
    for r in d["inbound"]:
        table.add_row(r["received_at"][:16], "from them", r["intent"] or "",
                      f"{r['outcome'] or ''} [{r['folder']}]"
                      + (f" {r['reason']}" if r["reason"] else ""))
    for r in d["outbound"]:
        table.add_row(r["created_at"][:16], "to them", r["template"],
                      r["state"] + (f": {r['last_error']}" if r["last_error"] else ""))
    console.print(table)
