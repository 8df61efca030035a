"""The daemon as a process: SIGKILL at random moments, SIGTERM, systemd notify, `ftm run`."""

from __future__ import annotations

import os
import random
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from tests.recording import make_message, subject_for
from tests.servers import ImapAccount, free_port, wait_for_greeting
from tests.test_watch import message_ids, wait_until

ROOT = Path(__file__).resolve().parent.parent
PROC = [sys.executable, str(ROOT / "tests" / "daemon_proc.py")]
FTM = [sys.executable, "-m", "ftm"]


def write_config(tmp_path: Path, acct: ImapAccount | None, **imap: object) -> Path:
    principles = resources.files("lists") / "data" / "principles.md"
    (tmp_path / "principles.md").write_text(principles.read_text())
    # the relay is nobody: these daemons have nothing to send
    lines = ["[network]", 'address = "network@forthemany.test"', "[store]",
             f'path = "{tmp_path / "ftm.db"}"',
             "[smtp]", 'host = "127.0.0.1"', "port = 9", 'security = "none"', "[imap]"]
    if acct is None:
        lines.append("enabled = false")
    else:
        values: dict[str, object] = {"enabled": True, "host": "127.0.0.1", "port": acct.port,
                                     "security": "none", "username": acct.user,
                                     "poll_seconds": 5, "batch_size": 10}
        values.update(imap)
        for k, v in values.items():
            lines.append(f"{k} = " + ("true" if v is True else "false" if v is False
                                       else f'"{v}"' if isinstance(v, str) else str(v)))
    path = tmp_path / "ftm.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def env_for(acct: ImapAccount | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FTM_", "NOTIFY_SOCKET", "WATCHDOG_"))}
    if acct is not None:
        env["FTM_IMAP_PASSWORD"] = acct.password
    env.update(extra)
    return env


def committed(db_path: Path) -> int:
    """How many messages the processor has committed (read on a separate connection)."""
    try:
        with sqlite3.connect(db_path, timeout=5) as c:
            return int(c.execute("SELECT count(*) FROM inbound_messages").fetchone()[0])
    except sqlite3.OperationalError:  # not created or migrated yet
        return 0


def start(config: Path, env: dict[str, str], *args: str,
          log: Path | None = None) -> subprocess.Popen[bytes]:
    out = open(log or os.devnull, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([*PROC, str(config), *args], env=env, stdout=out,
                            stderr=subprocess.STDOUT)


def test_sigkill_three_times_then_restart(imap_server: ImapAccount, tmp_path: Path) -> None:
    # 200 mixed messages; the daemon is SIGKILLed mid-run 3 times; in the end each is
    # filed exactly once, applied exactly once, and nothing is left in the inbox
    n = 200
    c = imap_server.client()
    for i in range(n):
        c.append("INBOX", make_message(i, subject_for(i) if i % 50 != 17 else "crash"))
    c.logout()
    config = write_config(tmp_path, imap_server)
    db_path = tmp_path / "ftm.db"
    env = env_for(imap_server)
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    kills = 0
    for _ in range(3):
        before = committed(db_path)
        target = before + rng.randint(5, 40)
        p = start(config, env, "--delay", "0.01", log=tmp_path / "daemon.log")
        try:
            assert wait_until(lambda t=target: committed(db_path) >= t, timeout=30), \
                (seed, committed(db_path), (tmp_path / "daemon.log").read_text()[-2000:])
            time.sleep(rng.uniform(0, 0.05))
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
        kills += 1
    assert committed(db_path) < n - 4, f"the kills came too late to test anything ({seed})"
    p = start(config, env, "--once", log=tmp_path / "daemon.log")
    assert p.wait(timeout=120) == 0, (tmp_path / "daemon.log").read_text()[-3000:]
    assert kills == 3
    got = message_ids(imap_server)
    assert got["INBOX"] == []
    everywhere = Counter(m for folder, ids in got.items() for m in ids)
    assert sorted(everywhere) == sorted(f"<msg-{i}@example.org>" for i in range(n))
    assert set(everywhere.values()) == {1}, "a message was filed twice"
    assert len(got["ftm/failed"]) == 4
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == n - 4
        replies = db.execute("SELECT in_reply_to, count(*) FROM outbox "
                             "GROUP BY in_reply_to").fetchall()
    assert {count for _, count in replies} == {1}, "a message was applied twice"
    assert len(replies) == len(got["ftm/processed"])


def test_sigterm_finishes_the_message_in_hand(imap_server: ImapAccount,
                                              tmp_path: Path) -> None:
    # SIGTERM mid-run: exit 0 soon, and every committed message was filed (none half-done)
    c = imap_server.client()
    for i in range(60):
        c.append("INBOX", make_message(i))
    c.logout()
    config = write_config(tmp_path, imap_server)
    db_path = tmp_path / "ftm.db"
    p = start(config, env_for(imap_server), "--delay", "0.05", log=tmp_path / "daemon.log")
    try:
        assert wait_until(lambda: committed(db_path) >= 5, timeout=30)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0, (tmp_path / "daemon.log").read_text()[-2000:]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    got = message_ids(imap_server)
    with sqlite3.connect(db_path) as db:
        done = sorted(r[0] for r in db.execute("SELECT message_id FROM inbound_messages"))
    assert got["ftm/processed"] == done
    assert got["INBOX"], "it drained everything instead of stopping"
    assert len(got["INBOX"]) + len(done) == 60
    assert "finishing the message in hand" in (tmp_path / "daemon.log").read_text()


def test_systemd_notify_ready_watchdog_stopping(imap_server: ImapAccount,
                                                tmp_path: Path) -> None:
    # under Type=notify: READY=1 once running, WATCHDOG=1 within the interval, STOPPING=1
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(10)
    config = write_config(tmp_path, imap_server)
    env = env_for(imap_server, NOTIFY_SOCKET=str(sock_path), WATCHDOG_USEC="3000000")
    p = start(config, env, log=tmp_path / "daemon.log")
    try:
        seen: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "WATCHDOG=1" not in seen:
            seen += sock.recv(4096).decode().split("\n")
        assert "READY=1" in seen and "WATCHDOG=1" in seen, seen
        assert seen.index("READY=1") < seen.index("WATCHDOG=1")
        assert any(f.startswith("STATUS=") for f in seen)
        p.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in seen:
            seen += sock.recv(4096).decode().split("\n")
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()


def test_daemon_with_the_receiver(tmp_path: Path) -> None:
    # [receiver] on, IMAP off: mail over SMTP is processed by the daemon; SIGTERM stops it
    port = free_port()
    config = write_config(tmp_path, None)
    with open(config, "a") as fh:
        fh.write(f'[receiver]\nenabled = true\nport = {port}\nprotocol = "smtp"\n')
    p = start(config, env_for(None), log=tmp_path / "daemon.log")
    try:
        wait_for_greeting(port, b"220")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            assert s.sendmail("person1@example.org", ["network+hub-x@forthemany.test"],
                              make_message(1)) == {}
        assert committed(tmp_path / "ftm.db") == 1
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert "intent=join" in (tmp_path / "daemon.log").read_text()


def run_ftm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FTM, *args], capture_output=True, text=True, env=env, timeout=60)


def test_ftm_run_once_processes_the_inbox(imap_server: ImapAccount, tmp_path: Path) -> None:
    # ftm run --once: the real entry point reads, applies and files a signup, then exits 0
    config = write_config(tmp_path, imap_server)
    imap_server.append(b"From: Ann <ann@example.org>\r\nTo: network@forthemany.test\r\n"
                       b"Subject: join\r\nMessage-ID: <e1@example.org>\r\n\r\n"
                       b"Please sign me up, my postcode is L8 1AB.\r\n\r\nAnn\r\n")
    r = run_ftm("--config", str(config), "run", "--once", env=env_for(imap_server))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "<e1@example.org> intent=join" in r.stderr
    assert message_ids(imap_server)["ftm/processed"] == ["<e1@example.org>"]


def test_ftm_run_without_principles_says_so(imap_server: ImapAccount, tmp_path: Path) -> None:
    # a deployment without its principles file stops at start with one line, no traceback
    config = write_config(tmp_path, imap_server)
    (tmp_path / "principles.md").unlink()
    r = run_ftm("--config", str(config), "run", "--once", env=env_for(imap_server))
    assert r.returncode != 0
    assert "principles_file" in r.stderr and "Traceback" not in r.stderr


def test_ftm_run_once_runs_the_jobs(tmp_path: Path) -> None:
    # no inbound path: --once runs every periodic job (the token clean-up) and exits 0
    config = write_config(tmp_path, None)
    db_path = tmp_path / "ftm.db"
    assert run_ftm("--config", str(config), "db", "migrate", env=env_for(None)).returncode == 0
    with sqlite3.connect(db_path) as db:
        for i, expires in enumerate(["2020-01-01T00:00:00.000000+00:00",
                                     "2999-01-01T00:00:00.000000+00:00"]):
            db.execute("INSERT INTO tokens (token_hash, action, email, created_at, expires_at) "
                       "VALUES (?, 'confirm', 'a@example.org', ?, ?)",
                       [f"h{i}", expires, expires])
    r = run_ftm("--config", str(config), "run", "--once", env=env_for(None))
    assert r.returncode == 0, r.stderr
    assert "job token-cleanup: deleted 1 expired token(s)" in r.stderr
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT token_hash FROM tokens").fetchall() == [("h1",)]


@pytest.mark.parametrize("auth, variable", [("password", "FTM_IMAP_PASSWORD"),
                                            ("xoauth2", "FTM_IMAP_OAUTH_TOKEN")])
def test_missing_imap_secret_is_one_line(tmp_path: Path, auth: str, variable: str) -> None:
    # IMAP on without its secret: the daemon's config check names the variable to set
    from ftm.daemon import watch_config
    from ftm.settings import ConfigError, load

    s = load(write_config(tmp_path, None), environ={"FTM_IMAP_AUTH": auth})
    with pytest.raises(ConfigError, match=variable):
        watch_config(s)


def with_http(config: Path, port: int) -> Path:
    with open(config, "a") as fh:
        fh.write(f'[http]\nlisten = "127.0.0.1:{port}"\n')
    return config


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
            return r.status == 200
    except OSError:
        return False


def test_the_daemon_runs_the_web_endpoint_only_when_configured(tmp_path: Path) -> None:
    # [http] listen empty: no http task; set: an http task beside the scheduler
    from ftm.app import App
    from ftm.daemon import assemble

    off = App(str(write_config(tmp_path, None)))
    assert [t.name for t in assemble(off, None).tasks] == ["scheduler"]
    on = App(str(with_http(write_config(tmp_path, None), free_port())))
    assert [t.name for t in assemble(on, None).tasks] == ["http", "scheduler"]


def test_ftm_run_answers_one_click_unsubscribe(tmp_path: Path) -> None:
    # `ftm run` with [http] listen: /healthz answers, the RFC 8058 POST makes the member
    # leave, SIGTERM stops it cleanly, and the token is nowhere in its log
    from ftm.app import App
    from lists import members
    from tests.test_web import active_member

    port = free_port()
    config = with_http(write_config(tmp_path, None), port)
    app = App(str(config))
    member_id, token = active_member(app, "ann@example.org")
    log = tmp_path / "daemon.log"
    with open(log, "ab") as out:
        p = subprocess.Popen([*FTM, "--config", str(config), "run"], env=env_for(None),
                             stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: healthy(port), timeout=30), log.read_text()[-2000:]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/unsubscribe?token={token}",
                                     data=b"List-Unsubscribe=One-Click")
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - loopback
            assert r.status == 200
        assert members.get(app.db(), member_id).state == "left"  # type: ignore[union-attr]
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0, log.read_text()[-2000:]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        app.close()
    text = log.read_text()
    assert f"one-click unsubscribe on http://127.0.0.1:{port}/unsubscribe" in text
    assert 'outcome="member left"' in text
    assert token not in text


def test_ftm_run_with_the_port_taken_says_so(tmp_path: Path) -> None:
    # [http] listen on a port someone else holds: one line naming it, no traceback
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        config = with_http(write_config(tmp_path, None), port)
        r = run_ftm("--config", str(config), "run", env=env_for(None))
    assert r.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "Traceback" not in r.stderr
