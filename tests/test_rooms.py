"""The rooms' doors: lists imports no room; mailer and inbox only lists; nothing imports ftm."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
ALLOWED = {"lists": set(), "mailer": {"lists"}, "inbox": {"lists"},
           "ftm": {"lists", "mailer", "inbox"}}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_room_imports_only_what_it_may(room: str) -> None:
    # a room importing a room it may not fails here, naming the file
    bad = []
    for path in (ROOT / room).rglob("*.py"):
        for name in imports_of(path) & set(ALLOWED):
            if name != room and name not in ALLOWED[room]:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, bad


def test_every_module_says_what_it_is_for() -> None:
    # a one-line docstring atop every module
    missing = []
    for room in ALLOWED:
        for path in (ROOT / room).rglob("*.py"):
            if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, missing
