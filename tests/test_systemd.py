"""The systemd unit: verifies clean, rates OK on hardening, and its command lines really run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "ftm.service"
INSTALLED_FTM = "/opt/ftm/bin/ftm"
FTM = str(Path(sys.executable).parent / "ftm")
ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


def unit_for_this_machine(tmp_path: Path, unit: Path = UNIT) -> Path:
    """A shipped unit with ExecStart pointing at this checkout's ftm (verify needs it)."""
    assert Path(FTM).exists(), FTM
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED_FTM, FTM))
    return copy


def directives(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split("=", 1)) for line in text.splitlines()  # type: ignore[misc]
            if line and not line.startswith(("#", "[")) and "=" in line]


UNITS = sorted((ROOT / "systemd").glob("ftm*.*"))
BACKUP = ROOT / "systemd" / "ftm-backup.service"


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_every_directive_says_why(unit: Path) -> None:
    # each directive (or run of directives) sits under a comment explaining it
    lines = unit.read_text().splitlines()
    bare = []
    for i, line in enumerate(lines):
        if not line or line.startswith(("#", "[")):
            continue
        j = i - 1
        while j >= 0 and lines[j] and not lines[j].startswith(("#", "[")):
            j -= 1
        if j < 0 or not lines[j].startswith("#"):
            bare.append(line)
    assert bare == [], bare


def test_the_unit_loads_every_secret_ftm_reads() -> None:
    # each secret's systemd credential has its LoadCredential line, and no other name does
    from ftm.credentials import SECRETS

    loaded = [v for k, v in directives(UNIT.read_text()) if k == "LoadCredential"]
    assert sorted(loaded) == sorted(s.credential for s in SECRETS.values())


@needs_analyze
def test_unit_verifies_without_a_word(tmp_path: Path) -> None:
    # systemd-analyze verify only warns on bad keys, so any output at all is a failure
    r = subprocess.run([str(ANALYZE), "verify", "--man=no", str(unit_for_this_machine(tmp_path))],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr


@needs_analyze
def test_backup_units_verify_and_rate_ok(tmp_path: Path) -> None:
    # the timer and its service verify without a word; the service rates OK too
    service = unit_for_this_machine(tmp_path, BACKUP)
    timer = unit_for_this_machine(tmp_path, BACKUP.with_suffix(".timer"))
    r = subprocess.run([str(ANALYZE), "verify", "--man=no", str(service), str(timer)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr
    r = subprocess.run([str(ANALYZE), "security", "--offline=true", "--threshold=30",
                        str(service)], capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for ftm-backup.service: (\d+\.\d+)", r.stdout)
    assert m and float(m.group(1)) <= 3.0, r.stdout + r.stderr


def test_the_backup_units_command_line_runs(tmp_path: Path) -> None:
    # ExecStart with the unit's environment and umask: a dated private copy in the state
    # directory's backups folder, beside the store the daemon's unit made
    etc, state = tmp_path / "etc", tmp_path / "var-lib"
    (etc / "ftm").mkdir(parents=True)
    (state / "ftm").mkdir(parents=True)
    (etc / "ftm" / "ftm.toml").write_text(
        '[network]\naddress = "network@forthemany.test"\n[imap]\nenabled = false\n')
    (etc / "ftm" / "principles.md").write_text(
        (resources.files("lists") / "data" / "principles.md").read_text())
    settings = dict(directives(BACKUP.read_text()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    for k, v in directives(BACKUP.read_text()):
        if k == "Environment":
            name, value = v.split("=", 1)
            env[name] = value.replace("%E", str(etc)).replace("%S", str(state))
    umask = int(settings["UMask"], 8)
    command = settings["ExecStart"].replace("%S", str(state)).replace(INSTALLED_FTM, FTM)
    for _ in range(2):
        r = subprocess.run(shlex.split(command), env=env, capture_output=True, text=True,
                           timeout=60, preexec_fn=lambda: os.umask(umask))
        assert r.returncode == 0 and "integrity ok" in r.stdout, r.stdout + r.stderr
        time.sleep(1.05)   # the copies are named by the second
    copies = list((state / "ftm" / "backups").glob("ftm-*.db"))
    assert len(copies) == 2 and all(c.stat().st_mode & 0o077 == 0 for c in copies)


@needs_analyze
def test_unit_hardening_rates_ok(tmp_path: Path) -> None:
    # systemd-analyze security rates the unit 3.0 or lower ("OK")
    r = subprocess.run([str(ANALYZE), "security", "--offline=true", "--threshold=30",
                        str(unit_for_this_machine(tmp_path))],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for ftm.service: (\d+\.\d+) (\w+)", r.stdout)
    assert m, r.stdout + r.stderr
    assert float(m.group(1)) <= 3.0, r.stdout
    assert r.returncode == 0


def test_the_units_command_lines_run(tmp_path: Path) -> None:
    # ExecStartPre and ExecStart with the unit's environment, credentials and umask:
    # the migration creates the store in the state directory, the daemon reads its
    # secrets from $CREDENTIALS_DIRECTORY, says READY=1, and stops cleanly on SIGTERM
    etc, state, creds = tmp_path / "etc", tmp_path / "var-lib", tmp_path / "credentials"
    (etc / "ftm").mkdir(parents=True)
    (state / "ftm").mkdir(parents=True)
    creds.mkdir()
    (etc / "ftm" / "ftm.toml").write_text(
        '[network]\naddress = "network@forthemany.test"\n[imap]\nenabled = false\n'
        '[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\n')
    (etc / "ftm" / "principles.md").write_text(
        (resources.files("lists") / "data" / "principles.md").read_text())
    (creds / "secret-key").write_text("k" * 64 + "\n")
    settings = dict(directives(UNIT.read_text()))
    loaded = [v for k, v in directives(UNIT.read_text()) if k == "LoadCredential"]
    assert "secret-key" in loaded and "imap-password" in loaded

    def expand(value: str) -> str:
        return value.replace("%E", str(etc)).replace("%S", str(state)) \
            .replace(INSTALLED_FTM, FTM)

    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    for k, v in directives(UNIT.read_text()):
        if k == "Environment":
            name, value = v.split("=", 1)
            env[name] = expand(value)
    env["CREDENTIALS_DIRECTORY"] = str(creds)
    umask = int(settings["UMask"], 8)

    def preexec() -> None:
        os.umask(umask)

    pre = subprocess.run(shlex.split(expand(settings["ExecStartPre"])), env=env,
                         capture_output=True, text=True, timeout=60, preexec_fn=preexec)
    assert pre.returncode == 0, pre.stderr
    db = state / "ftm" / "ftm.db"
    assert db.exists() and db.stat().st_mode & 0o077 == 0

    show = subprocess.run([FTM, "config", "show"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert "secret_key: ******** from credential secret-key" in show.stdout, show.stdout
    assert f'path = "{db}"' in show.stdout

    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(20)
    env["NOTIFY_SOCKET"] = str(sock_path)
    env["WATCHDOG_USEC"] = str(int(settings["WatchdogSec"]) * 1_000_000)
    p = subprocess.Popen(shlex.split(expand(settings["ExecStart"])), env=env,
                         stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
    try:
        first = sock.recv(4096).decode().split("\n")
        assert first[0] == "READY=1", first
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=int(settings["TimeoutStopSec"]))
        assert p.returncode == 0, err
        assert "STOPPING=1" in sock.recv(4096).decode()
        assert "job token-cleanup" in err and "Traceback" not in err
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()
