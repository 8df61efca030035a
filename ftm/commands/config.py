"""``ftm config`` and ``ftm init``: the settings file, what it holds and where values come from."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from ftm.app import App
from ftm.credentials import SECRETS
from ftm.sections import table
from ftm.starter import starter_config, toml_value


def _settings_epilog() -> str:
    lines = ["\b", "Settings ([section] key = default: what it is; variable):"]
    for info in table():
        choices = f" ({'|'.join(info.choices)})" if info.choices else ""
        lines.append(f"  [{info.section}] {info.key} = {toml_value(info.default)}"
                     f"{choices}")
        lines.append(f"      {info.help}; {info.env}")
    lines.append("")
    lines.append("\b")
    lines.append("Secrets (only from the environment or systemd credentials):")
    for s in SECRETS.values():
        lines.append(f"  {s.env} or credential {s.credential}: {s.help}")
    return "\n".join(lines)


@click.group(epilog=_settings_epilog())
def config() -> None:
    """Settings: one TOML file (--config or FTM_CONFIG), FTM_<SECTION>_<KEY> variables.

    A value in the environment wins over the file, which wins over the default.
    Relative paths in the file are relative to the file's folder.
    """


@config.command()
@click.pass_obj
def show(app: App) -> None:
    """Print the effective settings and where each came from; secrets masked."""
    s = app.settings
    click.echo(f"# config file: {s.config_file or 'none (defaults and environment only)'}")
    section = None
    for info, value, source in s.values():
        if info.section != section:
            section = info.section
            click.echo(f"\n[{section}]")
        click.echo(f"{info.key} = {toml_value(value)}  # {source}")
    click.echo("\n# secrets")
    for secret in SECRETS.values():
        src = s.secret_source(secret.name)
        click.echo(f"# {secret.name}: {'******** from ' + src if src else 'not set'}")


@config.command()
@click.pass_obj
def check(app: App) -> None:
    """Load the settings and say whether they are usable (exit 2 with the reason if not)."""
    s = app.settings
    click.echo(f"{s.config_file or 'defaults'}: OK")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(directory: Path, force: bool) -> None:
    """Write a starter deployment into DIRECTORY.

    ftm.toml (every setting, commented, with its default), hubs.toml (example hubs)
    and principles.md (the twelve principles members commit to). Then:

        ftm --config DIRECTORY/ftm.toml db migrate
    """
    directory.mkdir(parents=True, exist_ok=True)
    data = resources.files("lists") / "data"
    files = {
        "ftm.toml": starter_config({"store": {"path": "ftm.db"}}),
        "hubs.toml": (data / "hubs.example.toml").read_text(encoding="utf-8"),
        "principles.md": (data / "principles.md").read_text(encoding="utf-8"),
    }
    for name, text in files.items():
        target = directory / name
        if target.exists() and not force:
            click.echo(f"kept     {target} (exists; --force to overwrite)")
            continue
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote    {target}")
    click.echo(f"next: ftm --config {directory / 'ftm.toml'} db migrate")
