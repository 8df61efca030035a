"""``ftm demo``: try ftm on a throwaway deployment with embedded servers; print what happened."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ftm.demo import DemoReport, run_demo


@click.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the deployment here (default: a new temporary folder).")
@click.option("--messages", "-n", default=40, show_default=True,
              help="How many first contacts to seed the mailbox with.")
@click.option("--imap/--no-imap", default=None,
              help="Mail comes in by IMAP from a private Dovecot (default when Dovecot is "
                   "installed) or by ftm's own SMTP receiver.")
def demo(folder: Path | None, messages: int, imap: bool | None) -> None:
    """Watch ftm work on embedded servers: no accounts, nothing leaves this machine.

    Makes a throwaway deployment (settings, the example hubs, the principles),
    starts a mailbox and an SMTP sink on loopback, seeds the mailbox with a realistic
    mix of mail (signups written many ways, a leave, a help request, an
    out-of-office, a bounce, something for a person), and runs the real daemon code
    until it is all processed. The people then answer the mail they got, as members
    would, until nothing is left to answer. It prints members per hub, what was
    sent, and what went to review and why; every mail sent stays as an .eml file.
    """
    if not click.get_current_context().find_root().params.get("verbose"):
        logging.getLogger().setLevel(logging.WARNING)  # the daemon's lines: with --verbose
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's SMTP dialogue
    console = Console()
    report = run_demo(folder, messages, imap, say=lambda text: console.print(f"[dim]{text}[/]"))
    show(report, console)


def show(r: DemoReport, console: Console) -> None:
    console.print(f"\n[bold]Mail in[/]: {r.seeded} first contacts and {r.answers} answers, "
                  f"by {r.inbound_path}, in {r.rounds} rounds")
    t = Table("classified as", "messages")
    for intent, count in r.intents.most_common():
        t.add_row(intent, str(count))
    console.print(t)
    console.print("filed: " + ", ".join(f"{count} in ftm/{folder}"
                                        for folder, count in r.folders.most_common()))
    t = Table("members", "hub", "count")
    for hub, state, count in r.members_by_hub:
        t.add_row(state, hub, str(count))
    console.print(t)
    t = Table("mail sent (template)", "count")
    for template, count in r.sent_by_template.most_common():
        t.add_row(template, str(count))
    console.print(t)
    if r.reviews:
        t = Table("for review: from", "why")
        for sender, reason in r.reviews:
            t.add_row(sender, reason)
        console.print(t)
    console.print(f"\nThe {r.sent_files} mails ftm sent are in {r.folder / 'sent'} (.eml files "
                  "to open); the store is {0}.".format(r.folder / "ftm.db"))
    console.print(f"Look around: ftm --config {r.folder / 'ftm.toml'} members list")
    if r.reviews:
        console.print(f"Decide what waits: ftm --config {r.folder / 'ftm.toml'} review list")
