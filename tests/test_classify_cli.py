"""`ftm classify`: JSON lines with the corpus keys, a table for people, clear errors, no config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.mailmaker import confirm_reply, mail

FTM = [sys.executable, "-m", "ftm"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    return subprocess.run([*FTM, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def write_mail(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.eml").write_bytes(mail("Sign me up, LS6 3HN.\n\nSam"))
    (folder / "b.eml").write_bytes(confirm_reply("Yes"))
    (folder / "notes.txt").write_text("not a message")


def test_json_lines_carry_the_label_keys(tmp_path: Path) -> None:
    # one JSON object per .eml in a folder, with the scorer's keys plus confidence and reasons
    write_mail(tmp_path / "in")
    r = run("classify", "--json", str(tmp_path / "in"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [Path(row["file"]).name for row in rows] == ["a.eml", "b.eml"]
    for row in rows:
        assert {"file", "intent", "email", "name", "postcode", "commitment", "confidence",
                "reasons"} <= set(row)
    assert rows[0]["intent"] == "join" and rows[0]["postcode"] == "LS6 3HN"
    assert rows[1]["intent"] == "commit" and rows[1]["commitment"] is True


def test_table_for_people_and_standard_input(tmp_path: Path) -> None:
    # without --json a readable table; "-" reads one message from standard input
    write_mail(tmp_path / "in")
    r = run("classify", str(tmp_path / "in" / "a.eml"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "join" in r.stdout and "1 message(s) classified" in r.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    p = subprocess.run([*FTM, "classify", "--json", "-"], input=mail("Unsubscribe me"),
                       capture_output=True, env=env, cwd=tmp_path, timeout=120)
    assert p.returncode == 0 and json.loads(p.stdout)["intent"] == "leave"


def test_unreadable_file_is_one_line_and_nonzero(tmp_path: Path) -> None:
    # a missing file: one line naming it, the others still classified, exit status 1
    write_mail(tmp_path / "in")
    r = run("classify", "--json", str(tmp_path / "missing.eml"), str(tmp_path / "in" / "a.eml"),
            cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "missing.eml" in r.stderr
    assert "Traceback" not in r.stderr
    assert json.loads(r.stdout)["intent"] == "join"
