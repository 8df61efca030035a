"""``ftm status``: how the deployment is doing, in one look."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ftm.app import App
from lists.clock import utcnow
from lists.overview import overview
from mailer.config import RelayConfig


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@click.option("--backups", type=click.Path(path_type=Path), metavar="DIR",
              help="Where the backups are (default: backups beside the database).")
@click.pass_obj
def status(app: App, as_json: bool, backups: Path | None) -> None:
    """Members, the inbox, the review queue, mail waiting, the relay's quota, backups.

    Ends with what needs a person, if anything; exits 1 when something does, so a
    cron job or a monitoring check can mail the volunteers.
    """
    s = app.settings
    folder = backups or Path(s.store.path).parent / "backups"
    relay = RelayConfig(s.smtp.host, s.smtp.port, username=s.smtp.username).name
    o = overview(app.db(), utcnow(), relay, s.smtp.daily_quota, folder)
    if as_json:
        click.echo(json.dumps(o, indent=2, sort_keys=True))
    else:
        show(o)
    if o["warnings"]:
        raise SystemExit(1)


def show(o: dict[str, object]) -> None:
    m, i, r, ob, rl, ev, b = (o[k] for k in ("members", "inbox", "review", "outbox", "relay",
                                            "events", "backup"))
    assert isinstance(m, dict) and isinstance(i, dict) and isinstance(r, dict)
    assert isinstance(ob, dict) and isinstance(rl, dict) and isinstance(ev, dict)
    assert isinstance(b, dict)
    t = Table("", "", show_header=False, box=None)
    t.add_row("members", f"{m['active']} active ({m['unassigned']} without a hub), "
                         f"{m['pending']} waiting to confirm, {m['left']} left")
    folders = ", ".join(f"{n} {f}" for f, n in sorted(i["last_day"].items())) or "none"
    t.add_row("inbox", f"last message {(i['last_message_at'] or 'never')[:16]}; "
                       f"last 24 h: {folders}")
    t.add_row("review", f"{r['open']} waiting")
    t.add_row("outbox", f"{ob['waiting']} waiting ({ob['due_now']} due now), "
                        f"{ob['failed_last_day']} failed in the last day")
    sends = o["sends"]
    assert isinstance(sends, list)
    for sd in sends:
        t.add_row("sending", f"#{sd['id']} {sd['kind']} {sd['subject']!r}: "
                             f"{sd['delivered']}/{sd['total']} delivered, {sd['failed']} failed")
    t.add_row("relay", f"{rl['used_last_24h']} of {rl['quota']} sent in the last 24 h")
    t.add_row("events", f"{ev['next_7_days']} in the next 7 days, "
                        f"{ev['awaiting_approval']} awaiting approval")
    t.add_row("backup", f"newest {(b['newest_at'] or 'none')[:16]} in {b['folder']}")
    console = Console()
    console.print(t)
    warnings = o["warnings"]
    assert isinstance(warnings, list)
    for w in warnings:
        console.print(f"[yellow]![/] {w}")
    if not warnings:
        console.print("all well")
