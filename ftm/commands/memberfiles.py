"""``ftm members import`` and ``ftm members export``: membership spreadsheets in and out."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from ftm.app import App
from ftm.wiring import policy
from lists import clock
from lists.imports import PROBLEMS, ImportOptions, ImportPlan, import_members
from lists.memberfile import MemberFile, MemberFileError, read_member_file, write_member_file
from lists.members import STATES, export_rows


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True,
              help="Make the change (default: a dry run that only shows what would happen).")
@click.option("--invite/--active", "invite", default=True, show_default=True,
              help="--invite: new people must confirm by mail. --active: they are members "
                   "at once (commitment collected elsewhere; needs --consent-note).")
@click.option("--consent-note", metavar="TEXT",
              help='With --active, required: how the commitment to the principles was '
                   'collected, e.g. "signed paper forms, Liverpool stall, May 2026". Kept '
                   'with each consent record.')
@click.option("--welcome", is_flag=True,
              help="With --active: send each new member the hub's welcome (otherwise they "
                   "are not mailed).")
@click.option("--max-invites", type=click.IntRange(min=0), metavar="N",
              help="Invite at most N people in this run (default: half of [smtp] "
                   "daily_quota); run the same import again later for the rest.")
@click.option("--limit", default=100, show_default=True,
              help="Show at most this many problems (and as many notes).")
@click.pass_obj
def import_cmd(app: App, file: Path, apply_: bool, invite: bool, consent_note: str | None,
               welcome: bool, max_invites: int | None, limit: int) -> None:
    """Import members from a CSV file; a dry run unless --apply.

    Save the spreadsheet as CSV (UTF-8, or Excel's own; commas, semicolons or tabs).
    Its first row names the columns: email (or e-mail, email address), name (or full
    name, or first name and last name), postcode (or post code, zip), and optionally
    hub (a hub's slug, checked against the store). Other columns are ignored.

    Each row that cannot be imported is listed with its line number and why: an
    invalid address or postcode, an address already on an earlier line, someone
    already in the store (in any state: nobody is added twice, and nobody who left is
    added again), an address that asked to be erased (never added again), an
    unknown hub.

    --invite (the default): each new person becomes pending and is sent the
    confirmation mail a join by email gets (the twelve principles, how to confirm);
    they become members when they reply. The mails wait in the outbox and the daemon
    sends them within the relay's rate and daily quota; one run invites at most half
    of [smtp] daily_quota (--max-invites), so run it again the next day for the rest.

    --active --consent-note TEXT: for lists whose commitment to the principles was
    collected elsewhere (paper forms). Members are active at once, in the hub of their
    postcode, each with a consent record (method "import" and your note). Members are
    not mailed unless --welcome; each hub's membership secretary gets one summary.

    With --apply everything is written in one transaction: all or nothing. Importing
    the same file again changes nothing.
    """
    if not invite and not (consent_note or "").strip():
        raise click.UsageError('--active needs --consent-note TEXT saying how the members\' '
                               'commitment to the principles was collected (e.g. "signed '
                               'paper forms, 2026 conference")')
    if invite and (consent_note or welcome):
        raise click.UsageError("--consent-note and --welcome go with --active (invited "
                               "people get the confirmation mail instead)")
    member_file = _read(file)
    quota = app.settings.smtp.daily_quota
    if max_invites is None:
        max_invites = max(1, quota // 2)
    options = ImportOptions("invite" if invite else "active",
                            consent_note.strip() if consent_note else None, welcome,
                            max_invites)
    console = Console()
    console.print(f"{file}: {len(member_file.rows)} row(s); {member_file.describe()}",
                  markup=False, highlight=False, soft_wrap=True)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), console=console,
                  transient=True) as bar:
        task = bar.add_task("checking", total=len(member_file.rows))
        plan = import_members(app.db(), member_file, clock.utcnow(), policy(app), options,
                              apply=apply_, progress=lambda stage, done, total: bar.update(
                                  task, description=stage, completed=done, total=total))
    _show(console, plan, limit)
    _say_mail(plan, options, quota)
    _conclude(file, plan, options)


def _read(file: Path) -> MemberFile:
    try:
        data = file.read_bytes()
    except OSError as e:
        raise click.ClickException(f"cannot read {file}: {e.strerror}") from None
    try:
        return read_member_file(data)
    except MemberFileError as e:
        raise click.ClickException(f"{file}: {e}") from None


def _show(console: Console, plan: ImportPlan, limit: int) -> None:
    verb = "" if plan.applied else "would be "
    table = Table("", "rows", title="Import" if plan.applied else "Import (dry run)")
    table.add_row(f"new: {verb}" + ("invited (pending until they confirm)"
                                     if plan.mode == "invite" else "active members"),
                  str(len(plan.new)))
    if plan.later:
        table.add_row("new: left for a later run (invitation limit)", str(len(plan.later)))
    for kind, n in plan.counts().items():
        table.add_row(f"skipped: {PROBLEMS[kind]}", str(n))
    table.add_row("rows read", str(plan.rows))
    console.print(table)
    if plan.new:
        hubs = sorted(plan.by_hub().items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        console.print("by hub (postcode): " + ", ".join(
            f"{slug or 'no hub'} {n}" for slug, n in hubs), markup=False, highlight=False)
    for title, items in (("Problems (these rows are skipped)", plan.problems),
                         ("Notes", plan.notes)):
        if not items:
            continue
        console.print(f"[bold]{title}:[/]")
        for p in items[:limit]:
            label = PROBLEMS.get(p.kind, p.kind)
            console.print(f"  line {p.line}: {label}: {p.reason}", markup=False,
                          highlight=False, soft_wrap=True)
        if len(items) > limit:
            console.print(f"  ... and {len(items) - limit} more (--limit to see them)",
                          markup=False)


def _say_mail(plan: ImportPlan, options: ImportOptions, quota: int) -> None:
    mails = plan.mails if plan.applied else len(plan.new)
    if plan.mode == "invite" and mails:
        queued = "queued" if plan.applied else "would be queued"
        days = math.ceil(mails / quota)
        click.echo(f"{mails} invitation(s) {queued} in the outbox: the daemon (`ftm run`) "
                   f"sends them within the relay's limits, {quota} messages a day, so "
                   f"about {days} day(s).")
    if plan.later:
        click.echo(f"{len(plan.later)} more new people are left for a later run: one run "
                   f"invites at most {options.max_invites} (--max-invites), so that the "
                   "relay's daily quota leaves room for everyone else's mail. Run the same "
                   "import again tomorrow; those invited now will show as already signed up.")
    if plan.mode == "active" and plan.new:
        hubs = sum(1 for slug in plan.by_hub() if slug)
        members_mail = "each gets the hub's welcome" if options.welcome else \
            "no mail goes to them"
        click.echo(f"Active members: {members_mail}; the membership secretary of each of "
                   f"the {hubs} hub(s) gets one summary.")
    for held in plan.held_back:
        click.echo(f"not sent: {held}")


def _conclude(file: Path, plan: ImportPlan, options: ImportOptions) -> None:
    skipped = len(plan.problems)
    if plan.applied:
        state = "invited, pending" if plan.mode == "invite" else "active"
        click.echo(f"imported {len(plan.new)} member(s) ({state}); {skipped} row(s) "
                   f"skipped; {plan.mails} mail(s) queued.")
        return
    if not plan.new:
        click.echo(f"dry run: nothing to import ({skipped} row(s) skipped).")
        return
    flags = "" if options.mode == "invite" else \
        f" --active --consent-note {_quote(options.note or '')}" + \
        (" --welcome" if options.welcome else "")
    click.echo(f"dry run: nothing changed. Run `ftm members import {file}{flags} --apply` "
               f"to import {len(plan.new)} member(s).")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@click.command("export")
@click.option("--hub", "hub_slug", metavar="SLUG", help="Only this hub's members.")
@click.option("--state", type=click.Choice([*STATES, "all"]), default="active",
              show_default=True, help="Only members in this state (all: every state).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file, readable only by you (default: standard output).")
@click.pass_obj
def export_cmd(app: App, hub_slug: str | None, state: str, output: Path | None) -> None:
    """Write members to CSV, e.g. a hub's list for its secretary.

    Columns: email, name, postcode, hub, state, delivery, joined, confirmed. With
    --output the file is made readable only by you (mode 0600) and written as UTF-8
    with a byte-order mark, so Excel shows names as written. A cell a spreadsheet
    would run as a formula starts with an apostrophe.

    The file holds personal data: keep it private and delete it when done.
    `ftm members import` of the file changes nothing (everyone in it is a member).
    """
    db = app.db()
    if hub_slug and db.execute("SELECT 1 FROM hubs WHERE slug = ?", [hub_slug]).fetchone() \
            is None:
        raise click.ClickException(f"there is no hub {hub_slug!r} (`ftm hubs list` shows "
                                   "the slugs)")
    rows = export_rows(db, hub_slug, STATES if state == "all" else (state,))
    if output is None:
        n = write_member_file(sys.stdout, rows)
        where = "this output"
    else:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(output, flags, 0o600)
        except OSError as e:
            raise click.ClickException(f"cannot write {output}: {e.strerror}") from None
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            n = write_member_file(fh, rows)
        where = str(output)
    click.echo(f"warning: {where} holds personal data of {n} member(s): keep it private "
               "and delete it when done.", err=True)
