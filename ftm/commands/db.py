"""``ftm db``: the store's schema migrations, and its backups."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from ftm.app import App
from lists import backup as backup_mod
from lists import migrations
from lists.clock import utcnow


@click.group()
def db() -> None:
    """The SQLite store: schema migrations and their status, and backups.

    The schema changes only through numbered migrations; the daemon applies the
    pending ones at start-up, `ftm db migrate` applies them by hand. `ftm db backup`
    takes a consistent copy while the daemon runs.
    """


@db.command()
@click.pass_obj
def migrate(app: App) -> None:
    """Apply pending migrations (creating the database, mode 0600, if missing)."""
    database = app.db(migrate=False)
    applied = migrations.apply(database)
    path = app.settings.store.path
    if applied:
        click.echo(f"{path}: applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        click.echo(f"{path}: already up to date, nothing to do")


@db.command()
@click.pass_obj
def status(app: App) -> None:
    """Show applied and pending migrations; exit 1 when some are pending."""
    st = migrations.status(app.db(migrate=False))
    click.echo(f"database: {app.settings.store.path}")
    for name, at in st.applied:
        click.echo(f"  applied  {name}  ({at})")
    for name in st.pending:
        click.echo(f"  pending  {name}")
    if st.pending:
        click.echo(f"{len(st.pending)} pending: run `ftm db migrate`")
        raise SystemExit(1)
    click.echo("up to date")


@db.command()
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help="Then delete all but the N newest dated backups (ftm-*.db) in that folder.")
@click.pass_obj
def backup(app: App, dest: Path | None, keep: int | None) -> None:
    """Copy the store to DEST while ftm runs: a whole, checked, private (0600) copy.

    DEST is a folder (default: `backups` beside the database; made if missing), where
    the copy is named by the time (ftm-20261125T031500Z.db), or a file name ending
    in .db. The key file
    beside the store is copied with it (FILE.key): keep the two together, since
    without the key the entries that stop erased people being re-added match
    nobody. To restore: stop the daemon, copy the backup over the database and its
    key file over the key, delete any -wal and -shm files beside it, start again.
    """
    s = app.settings
    store = Path(s.store.path)
    folder = dest if dest is not None else store.parent / "backups"
    app.secret_key()   # made on first use: a store never used yet gets its key now
    key_file = None if s.secret("secret_key") else Path(s.store.path + ".key")
    database = app.db()
    with Progress(TextColumn("backing up"), BarColumn(), TaskProgressColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("backup", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
        report = backup_mod.backup_to(database, folder, utcnow(), key_file, progress)
    click.echo(f"backed up {report.members} member(s), {report.bytes / 1e6:.1f} MB, to "
               f"{report.path} in {report.seconds:.1f} s; integrity ok")
    if report.key_path is not None:
        click.echo(f"key file copied to {report.key_path}")
    else:
        click.echo("the HMAC key is a credential (secret-key): keep a copy of it with the "
                   "backups")
    if keep is not None:   # only dated backups (ftm-*.db) count, never a file you named
        gone = backup_mod.prune(report.path.parent, keep)
        if gone:
            click.echo(f"deleted {len(gone)} older backup(s), kept the {keep} newest")
