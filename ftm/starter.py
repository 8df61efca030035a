"""Settings written out as TOML: the commented starter file ``ftm init`` writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ftm.credentials import SECRETS
from ftm.sections import SECTIONS, table


def toml_value(value: Any) -> str:
    """A value written as TOML (for the starter config)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_config(overrides: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A commented ftm.toml: every setting with its help, defaults commented out."""
    overrides = overrides or {}
    lines = ["# ftm settings. Every key is optional; a commented key shows its default.",
             "# Any key can also be set as FTM_<SECTION>_<KEY> in the environment.",
             "# Secrets never go here: " + ", ".join(s.env for s in SECRETS.values()),
             "# (or the systemd credentials " + ", ".join(s.credential for s in SECRETS.values())
             + ").", ""]
    for section, cls in SECTIONS.items():
        lines.append(f"[{section}]")
        for info in table():
            if info.section != section:
                continue
            extra = f" ({' | '.join(info.choices)})" if info.choices else ""
            lines.append(f"# {info.help}{extra}")
            if info.key in overrides.get(section, {}):
                lines.append(f"{info.key} = {toml_value(overrides[section][info.key])}")
            else:
                lines.append(f"# {info.key} = {toml_value(info.default)}")
        lines.append("")
        del cls
    return "\n".join(lines)
