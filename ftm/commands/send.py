"""``ftm send``: a bulk send (bulletin or hub mail) to an audience, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ftm import mailing
from ftm.app import App
from ftm.commands.outbox import print_report
from lists import outbox, sends
from lists.clock import utcnow
from lists.sends import NewSend, SendError
from lists.store import transaction
from mailer.bulk import create_send, make_skeleton
from mailer.compose import Hub
from mailer.engine import RunReport
from mailer.render import TemplateError


@click.command()
@click.argument("body_file", metavar="BODY.md", required=False,
                type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--to", "audience", metavar="all|hub:SLUG|region:NAME",
              help="Who gets it: every active member, a hub's, or a region's.")
@click.option("--template", default="network/bulletin", show_default=True,
              help="Template pair to render (see templates/README.md).")
@click.option("--subject", help="The subject line.")
@click.option("--kind", type=click.Choice(["bulletin", "list", "digest"]),
              help="Kind of mail (default: list for hub:, else bulletin).")
@click.option("--from-person", "requested_by", metavar="ADDRESS",
              help="Who asked for this send (kept with it).")
@click.option("--dry-run", is_flag=True, help="Count the audience and show one rendered "
              "message; send nothing.")
@click.option("--preview-to", metavar="ADDRESS", help="Send one copy to ADDRESS only.")
@click.option("--resume", "resume_id", type=int, metavar="ID",
              help="Continue send ID (after a stop, a crash or a full quota).")
@click.pass_obj
def send(app: App, body_file: Path | None, audience: str | None, template: str,
         subject: str | None, kind: str | None, requested_by: str | None, dry_run: bool,
         preview_to: str | None, resume_id: int | None) -> None:
    """Send BODY.md (Markdown or plain text) to an audience, one message per member.

    Each member gets a personal copy (their name, their own unsubscribe link), within
    the relay's rate and daily quota. A send that stops (a full quota, a crash, Ctrl-C)
    continues with `ftm send --resume ID`, without sending anyone a second copy
    except the few messages in flight at a crash.

        ftm send --to hub:manchester --subject "Meeting on Friday" notice.md --dry-run
    """
    try:
        if resume_id is not None:
            _run(app, resume_id)
            return
        if not (audience and subject and body_file):
            raise click.UsageError("give --to, --subject and BODY.md (or --resume ID)")
        body = (sys.stdin.read() if str(body_file) == "-"
                else body_file.read_text(encoding="utf-8"))
        kind = kind or ("list" if audience.startswith("hub:") else "bulletin")
        new = NewSend(kind, template, subject, body, audience,
                      requested_by or app.settings.network.address)
        if dry_run or preview_to:
            _preview(app, new, preview_to)
            return
        send_id = create_send(app.db(), new, utcnow())
        click.echo(f"send {send_id} created for {sends.get(app.db(), send_id).total} "
                   "recipient(s)")
        _run(app, send_id)
    except (SendError, TemplateError) as e:
        raise click.ClickException(str(e)) from None


def _preview(app: App, new: NewSend, preview_to: str | None) -> None:
    db = app.db()
    aud = sends.resolve_audience(db, new.audience)
    count = sends.count_audience(db, aud)
    composer = mailing.composer(app)
    hub = None
    if aud.hub_id is not None:
        row = db.execute("SELECT id, slug, name FROM hubs WHERE id = ?", [aud.hub_id]).fetchone()
        hub = Hub(row[0], row[1], row[2])
    sample = db.execute(f"SELECT email, name FROM ({aud.sql}) LIMIT 1", list(aud.params)).fetchone()
    to_addr, to_name = (sample[0], sample[1]) if sample else ("member@example.org", "A Member")
    sk = make_skeleton(composer, new.kind, new.template, new.subject, new.body, {}, hub)
    words = sk.render(to_name or "", preview_to or to_addr,
                      *composer.unsubscribe("PREVIEW-TOKEN-NOT-VALID"))
    if not preview_to:
        click.echo(f"{aud.label}: {count} recipient(s); nothing sent (--dry-run)")
        click.echo(f"--- as {to_addr} would get it ---\nSubject: {words.subject}\n")
        click.echo(words.text)
        return
    with transaction(db):
        row_id = outbox.enqueue(db, outbox.OutgoingMail(
            template=new.template, to_addr=preview_to, kind=new.kind, hub_id=aud.hub_id,
            context={"subject": f"[preview] {new.subject}", "body": new.body}), utcnow())
    report = mailing.outbox_deliverer(app).flush(ids=[row_id])
    print_report(report)
    if report.sent != 1:
        raise click.ClickException(f"the preview was not sent (outbox {row_id}); "
                                   "see ftm outbox list")
    click.echo(f"preview sent to {preview_to}; {aud.label}: {count} recipient(s) would get it")


def _run(app: App, send_id: int) -> None:
    db = app.db()
    before = sends.summary(db, send_id)
    done_before = before.total - before.waiting
    console = Console(stderr=True)
    columns = (TextColumn("send {task.fields[send]}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("sending", total=before.total, completed=done_before, send=send_id)

        def progress(r: RunReport) -> None:
            bar.update(task, completed=done_before + r.sent + r.failed + r.retry)

        result = mailing.bulk_sender(app, send_id, progress).run()
    s = result.summary
    print_report(result.run)
    click.echo(f"send {send_id}: {s.sent} of {s.total} delivered, {s.failed} failed, "
               f"{s.waiting} waiting")
    for why, n in s.failures[:5]:
        click.echo(f"  failed x{n}: {why}")
    if s.waiting:
        when = f" (next at {s.next_attempt_at:%Y-%m-%d %H:%M} UTC)" if s.next_attempt_at else ""
        click.echo(f"{s.waiting} still to send{when}: ftm send --resume {send_id}")
    if result.run.stopped:
        raise SystemExit(1)
