"""``ftm hubs``: load the hubs file, route a postcode, show coverage and the unassigned."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from ftm.app import App
from lists import clock
from lists.coverage import coverage_report, list_hubs
from lists.hubs import HubsFileError, HubSpec, load_hubs
from lists.hubsync import SyncPlan, sync_hubs
from lists.postcodes import InvalidPostcode, parse_postcode
from lists.routing import CoverageIndex, load_index, route


@click.group()
def hubs() -> None:
    """Hubs and postcode routing: sync the hubs file, route, show coverage.

    The hubs file (settings: [paths] hubs_file) lists each hub and the postcode
    areas, districts, sectors or regions it covers. The most specific coverage wins:
    sector, then district, then area, then region; no hub means unassigned.
    """


WHOLE = {"hub", "slug", "area", "members", "unassigned", "change"}   # never wrapped


def _table(*headers: str, title: str | None = None) -> Table:
    """A table whose cells wrap rather than cut, and whose key columns stay whole."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=header in WHOLE)
    return table


def _load(app: App, path: str | None) -> tuple[str, list[HubSpec]]:
    source = path or app.settings.paths.hubs_file
    try:
        return source, load_hubs(source)
    except HubsFileError as e:
        raise click.ClickException(str(e)) from None


@hubs.command()
@click.option("--apply", "apply_", is_flag=True,
              help="Make the changes (default: only show what would change).")
@click.option("--file", "path", metavar="FILE", help="Hubs file (default: [paths] hubs_file).")
@click.option("--no-notify", is_flag=True, help="Move members without queueing notices.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many moves.")
@click.pass_obj
def sync(app: App, apply_: bool, path: str | None, no_notify: bool, limit: int) -> None:
    """Load the hubs file into the store; a dry run unless --apply.

    Shows hubs added, changed or deactivated (a hub removed from the file is
    deactivated; its members are kept and re-routed) and every member who would
    move, with the rule. With --apply it makes the change in one transaction and
    queues a notice to each moved member and to the hubs' membership secretaries.
    Running it again changes nothing.
    """
    source, specs = _load(app, path)
    db = app.db()
    console = Console()
    with Progress(TextColumn("routing members"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), console=console,
                  transient=True) as bar:
        task = bar.add_task("route", total=None)
        plan = sync_hubs(db, specs, clock.utcnow(), apply=apply_, notify=not no_notify,
                         progress=lambda done, total: bar.update(task, completed=done,
                                                                 total=total))
    _show_plan(console, source, plan, limit)


def _show_plan(console: Console, source: str, plan: SyncPlan, limit: int) -> None:
    for warning in plan.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    if plan.hubs:
        table = _table("hub", "name", "change", "details", title=f"Hubs ({source})")
        for h in plan.hubs:
            table.add_row(h.slug, h.name, h.change, "\n".join(h.details))
        console.print(table)
    if plan.moves:
        console.print(f"[bold]Members who {'moved' if plan.applied else 'would move'}:[/]")
        for m in plan.moves[:limit]:
            console.print(f"  {m.email} ({m.postcode or 'no postcode'}, {m.state}): "
                          f"{m.from_hub or '(unassigned)'} -> {m.to_hub or '(unassigned)'}"
                          f" -- {m.rule}", markup=False, highlight=False, soft_wrap=True)
        if len(plan.moves) > limit:
            console.print(f"  ... and {len(plan.moves) - limit} more (--limit to see them)")
    summary = (f"{len(plan.hubs)} hub change(s), {plan.unchanged_hubs} hub(s) unchanged, "
               f"{len(plan.moves)} member(s) {'moved' if plan.applied else 'would move'}")
    if plan.applied:
        click.echo(f"applied: {summary}; {plan.notices} notice(s) queued")
    elif plan.empty:
        click.echo(f"nothing to do: the store already matches {source}")
    else:
        click.echo(f"dry run: {summary}. Run `ftm hubs sync --apply` to make the change.")


@hubs.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include deactivated hubs.")
@click.pass_obj
def list_cmd(app: App, show_all: bool) -> None:
    """List the hubs in the store with their coverage and active members."""
    rows = list_hubs(app.db(), include_inactive=show_all)
    if not rows:
        click.echo("no hubs in the store yet: run `ftm hubs sync --apply`")
        return
    table = _table("slug", "name", "covers", "excludes", "members", "membership secretary")
    for r in rows:
        name = r.name if r.active else f"{r.name} (deactivated)"
        table.add_row(r.slug, name, ", ".join(r.covers) or "(nothing)", ", ".join(r.excludes),
                      str(r.members), r.contacts.get("membership_secretary", ""))
    Console().print(table)


@hubs.command("route")
@click.argument("postcode")
@click.option("--file", "path", metavar="FILE", is_flag=False, flag_value="",
              default=None, help="Route by a hubs file instead of the store (FILE default: "
                                 "[paths] hubs_file).")
@click.pass_obj
def route_cmd(app: App, postcode: str, path: str | None) -> None:
    """Show the hub a POSTCODE routes to, and the rule that decided.

    Exits 1 with the reason when the postcode is not valid. Routes by the store's
    active hubs, or by the hubs file with --file (to try a change before syncing).
    """
    try:
        pc = parse_postcode(postcode)
    except InvalidPostcode as e:
        raise click.ClickException(f"{e.text!r} is not a valid postcode: {e.reason}") from None
    if path is not None:
        source, specs = _load(app, path or None)
        index, names = CoverageIndex.from_hubs(specs), {h.slug: h.name for h in specs}
    else:
        db = app.db()
        source, index = "the store", load_index(db)
        names = {r.slug: r.name for r in list_hubs(db)}
    decision = route(pc, index)
    click.echo(f"postcode: {pc.canonical}" + (" (district only)" if pc.is_outcode else ""))
    if decision.hub_slug:
        click.echo(f"hub:      {names.get(decision.hub_slug, '')} ({decision.hub_slug})")
    else:
        click.echo("hub:      (unassigned: stays on the national list)")
    click.echo(f"rule:     {decision.rule}")
    if index.empty:
        click.echo(f"note:     {source} has no hubs yet (`ftm hubs sync --apply`)")


@hubs.command()
@click.option("--region", metavar="NAME", help="Only this region (e.g. \"North West\").")
@click.option("--uncovered", is_flag=True, help="Only areas that no hub covers.")
@click.pass_obj
def coverage(app: App, region: str | None, uncovered: bool) -> None:
    """Show, per region and area, which hubs cover it and how many members wait unassigned.

    Members count when pending or active. An area's hubs are those covering all of
    it (area, region) or part of it (districts, sectors).
    """
    report = coverage_report(app.db())
    table = _table("region", "area", "", "hubs", "members", "unassigned")
    shown_region = None
    for a in report.areas:
        if region and a.region.casefold() != region.casefold():
            continue
        if uncovered and a.hubs:
            continue
        table.add_row(a.region if a.region != shown_region else "", a.area, a.name,
                      ", ".join(a.hubs) or "[red](no hub)[/]", str(a.members),
                      f"[bold]{a.unassigned}[/]" if a.unassigned else "0",
                      end_section=False)
        shown_region = a.region
    Console().print(table)
    click.echo(f"unassigned members: {report.unassigned} (no postcode: {report.no_postcode}, "
               f"invalid postcode: {report.invalid}, forces/GIR: {report.not_routed})")
