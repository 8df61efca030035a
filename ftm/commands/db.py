"""``ftm db``: the store's schema migrations."""

from __future__ import annotations

import click

from ftm.app import App
from lists import migrations


@click.group()
def db() -> None:
    """The SQLite store: schema migrations and their status.

    The schema changes only through numbered migrations; the daemon applies the
    pending ones at start-up, `ftm db migrate` applies them by hand.
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
