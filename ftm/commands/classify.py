"""``ftm classify``: read mail files and say what each asks, about whom, and why."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ftm.app import App
from ftm.contexts import inbox_context
from inbox.classify import classify as classify_message
from inbox.result import Classification
from lists.clock import utcnow


def message_files(paths: tuple[str, ...]) -> Iterator[Path]:
    """Each FILE as given, and the ``.eml`` files of each DIR in name order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml"
                              and p.is_file())
        else:
            yield path


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="FILE|DIR...")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per message (file, intent, email, name, postcode, "
                   "commitment, confidence, reasons and the rest).")
@click.pass_obj
def classify(app: App, paths: tuple[str, ...], as_json: bool) -> None:
    """Classify saved mail (.eml files, or folders of them) without touching the store.

    Prints what each message asks (join, commit, leave, bounce, ...), the person's
    address, name and postcode, how sure ftm is and why. Use - to read one message
    from standard input. Needs no settings file: the defaults are used when there
    is none.
    """
    ctx = inbox_context(app.settings, utcnow())
    files = list(message_files(paths))
    failed = 0
    results: list[tuple[str, Classification]] = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True,
                  disable=as_json or len(files) < 50) as progress:
        task = progress.add_task("classifying", total=len(files))
        for path in files:
            try:
                raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
            except OSError as e:
                click.echo(f"ftm: cannot read {path}: {e.strerror or e}", err=True)
                failed += 1
                continue
            result = classify_message(raw, ctx)
            if as_json:
                click.echo(json.dumps(result.to_json(str(path)), ensure_ascii=False))
            else:
                results.append((str(path), result))
            progress.advance(task)
    if not as_json:
        _table(results)
    if failed:
        sys.exit(1)


def _table(results: list[tuple[str, Classification]]) -> None:
    table = Table("file", "intent", "sure", "email", "name", "postcode", "commits", "why")
    for name, c in results:
        table.add_row(Path(name).name, c.intent, f"{c.confidence:.2f}", c.email or "",
                      c.name or "", c.postcode or "", "yes" if c.commitment else "",
                      c.reasons[0] if c.reasons else "")
    Console().print(table)
    click.echo(f"{len(results)} message(s) classified")
