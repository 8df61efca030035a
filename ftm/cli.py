"""The ``ftm`` command: a thin shell that parses, calls the Python API and prints.

Each command group lives in ``ftm/commands/``; they are listed here, in one table,
so nothing registers itself as a side effect of an import.
"""

from __future__ import annotations

import sys

import click

from ftm import __version__
from ftm.app import App, setup_logging
from ftm.commands import classify as classify_cmd
from ftm.commands import config as config_cmd
from ftm.commands import db as db_cmd
from ftm.commands import deliver as deliver_cmd
from ftm.commands import demo as demo_cmd
from ftm.commands import hublists as hublists_cmd
from ftm.commands import hubs as hubs_cmd
from ftm.commands import members as members_cmd
from ftm.commands import oauth as oauth_cmd
from ftm.commands import officers as officers_cmd
from ftm.commands import outbox as outbox_cmd
from ftm.commands import review as review_cmd
from ftm.commands import run as run_cmd
from ftm.commands import send as send_cmd
from ftm.commands import status as status_cmd
from ftm.settings import ConfigError
from lists.store import StoreBusy, StoreError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="ftm")
@click.option("--config", "-c", "config_path", metavar="FILE", envvar="FTM_CONFIG",
              help="Settings file (default: $FTM_CONFIG, else ./ftm.toml).")
@click.option("--verbose", "-v", is_flag=True, help="Log debugging detail.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """ftm -- the For the Many network's mail system.

    People join, commit to the twelve principles, leave or move by email; ftm keeps
    the membership, routes members to their local hub by postcode, and sends the
    network's mail within the relay's limits.

    Start with `ftm demo` to watch it work on throwaway servers, or `ftm init DIR`
    to write a starter configuration.
    """
    setup_logging("DEBUG" if verbose else "INFO")
    app = App(config_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


COMMANDS: list[click.Command] = [
    config_cmd.init,
    config_cmd.config,
    db_cmd.db,
    hubs_cmd.hubs,
    members_cmd.members,
    review_cmd.review_group,
    officers_cmd.officers_group,
    hublists_cmd.events_group,
    hublists_cmd.posts_group,
    hublists_cmd.bulletins_group,
    status_cmd.status,
    run_cmd.run,
    demo_cmd.demo,
    deliver_cmd.deliver,
    outbox_cmd.outbox,
    oauth_cmd.oauth_group,
    send_cmd.send,
    classify_cmd.classify,
]
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors become one line a volunteer can act on."""
    try:
        cli.main(args=argv, prog_name="ftm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except ConfigError as e:
        click.echo(f"ftm: config: {e}", err=True)
        sys.exit(2)
    except StoreBusy as e:
        click.echo(f"ftm: {e} -- try again in a moment", err=True)
        sys.exit(75)
    except StoreError as e:
        click.echo(f"ftm: {e}", err=True)
        sys.exit(1)
