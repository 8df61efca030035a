"""Bulk send speed: ftm vs Postfix's smtp-source (the loopback ceiling) vs mailmerge.

    python bench/send.py --n 100000

ftm sends N personalised ~4 KB messages to N members in a fresh store, through the
code path ``ftm send`` uses (create the send and its deliveries, then BulkSender:
store -> render -> wire, delivery records written), to Postfix's ``smtp-sink`` on
loopback, in a child process whose peak RSS is measured. In the same run
``smtp-source`` sends the same size of message over 1, 4 and 16 sessions (its best
rate is this machine's ceiling), and the ``mailmerge`` CLI sends a smaller N (its
rate scales linearly: a new connection per message). Installs Postfix (Debian) and
mailmerge (pip) when they are missing. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 4096
TEXT = ("the network meets on friday at the community hall to plan the next campaign "
        "for fair rents and decent work; everyone is welcome, bring a friend and a "
        "dish to share.")
WORDS = TEXT.split(" ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tool(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}",) if os.path.exists(p)),
                                      None)


def ensure_tools() -> None:
    """Postfix's smtp-sink/smtp-source from Debian, mailmerge from pip, when missing."""
    if not (tool("smtp-sink") and tool("smtp-source")):
        subprocess.run(["sh", str(ROOT / "scripts" / "debian-packages.sh")], check=True)
    if not Path(sys.executable).with_name("mailmerge").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "mailmerge"],
                       check=True)


class Sink:
    """smtp-sink on a free loopback port; stdout to /dev/null (never a reader-less pipe)."""

    def __init__(self) -> None:
        self.port = free_port()
        cmd = [tool("smtp-sink") or "smtp-sink"]
        if os.getuid() == 0:
            cmd += ["-u", "nobody"]
        cmd += ["-a", f"127.0.0.1:{self.port}", "256"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("smtp-sink did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def body_text(n_chars: int) -> str:
    words, out, size = WORDS, [], 0
    i = 0
    while size < n_chars:
        w = words[i % len(words)]
        out.append(w)
        size += len(w) + 1
        i += 1
        if i % 60 == 0:
            out.append("\n\n")
    return " ".join(out).replace(" \n\n ", "\n\n")


# -- ftm, in a child process -------------------------------------------------------------

def ftm_child(n: int, port: int, workdir: Path, concurrency: int) -> None:
    """Runs in the child: fill a store with *n* members, create the send, deliver it."""
    sys.path.insert(0, str(ROOT))
    from datetime import UTC, datetime

    from lists import migrations
    from lists.clock import iso
    from lists.sends import NewSend
    from lists.store import open_db
    from mailer.bulk import BulkSender, create_send
    from mailer.compose import Composer
    from mailer.config import Identity, RelayConfig
    from mailer.render import Renderer

    t0 = time.perf_counter()
    db = open_db(workdir / "bench.db")
    migrations.apply(db)
    now = iso(datetime.now(UTC))
    db.conn.executemany(
        "INSERT INTO members (email, name, state, created_at, updated_at) "
        "VALUES (?, ?, 'active', ?, ?)",
        ((f"member{i}@example.org", f"Member Number{i}" if i % 4 else None, now, now)
         for i in range(n)))
    db.conn.commit()
    identity = Identity("For the Many", "forthemany.network@example.org", b"bench-key" * 4,
                        base_url="https://ftm.example.org", message_id_domain="ftm.example.org",
                        help_contact="help@example.org")
    composer = Composer(identity, Renderer(), verp=True)
    relay = RelayConfig(host="127.0.0.1", port=port, security="none", rate=1e9,
                        concurrency=concurrency, daily_quota=10 * n + 1000, timeout=30,
                        helo="bench.local")
    body = calibrate(composer)
    t1 = time.perf_counter()
    send_id = create_send(db, NewSend("bulletin", "network/bulletin", "Bench bulletin", body,
                                      "all", "bench@example.org"), datetime.now(UTC))
    report = BulkSender(db, relay, composer, send_id).run()
    t2 = time.perf_counter()
    sizes = [len(x) for x in (body,)]
    print(json.dumps({"setup_s": t1 - t0, "send_s": t2 - t1, "sent": report.summary.sent,
                      "failed": report.summary.failed, "body_chars": sizes[0]}))


def calibrate(composer: object) -> str:
    """A Markdown body whose whole message (headers, text and HTML parts) is about 4 KB."""
    from datetime import UTC, datetime

    from mailer.bulk import make_skeleton
    from mailer.compose import Composer

    assert isinstance(composer, Composer)
    chars = 1500
    for _ in range(6):
        body = body_text(chars)
        sk = make_skeleton(composer, "bulletin", "network/bulletin", "Bench bulletin", body, {},
                           None)
        mailto, url = composer.unsubscribe("t" * 24)
        words = sk.fill("Member Number12345", "member12345@example.org", mailto, url)
        env, _ = composer.envelope(ref="d", row_id=12345, kind="bulletin",
                                   to_addr="member12345@example.org",
                                   to_name="Member Number12345", words=words, token="t" * 24,
                                   hub=None, now=datetime.now(UTC))
        size = len(env.data)
        if abs(size - SIZE) < 64:
            break
        chars = max(200, int(chars * SIZE / size))
    return body


def run_ftm(n: int, port: int, workdir: Path, concurrency: int) -> dict[str, float]:
    proc = subprocess.Popen([sys.executable, __file__, "--child", "--n", str(n), "--port",
                             str(port), "--workdir", str(workdir), "--concurrency",
                             str(concurrency)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"ftm child failed ({proc.returncode})")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    return figures


# -- the references ----------------------------------------------------------------------

def run_smtp_source(n: int, port: int) -> dict[int, float]:
    rates = {}
    for sessions in (1, 4, 16):
        t = time.perf_counter()
        subprocess.run([tool("smtp-source") or "smtp-source", "-s", str(sessions), "-m", str(n),
                        "-l", str(SIZE), "-f", "bench@example.org", "-t", "member@example.org",
                        f"127.0.0.1:{port}"], check=True, stdout=subprocess.DEVNULL)
        rates[sessions] = n / (time.perf_counter() - t)
    return rates


def run_mailmerge(n: int, port: int, workdir: Path, body: str) -> float:
    d = workdir / "mailmerge"
    d.mkdir()
    (d / "mailmerge_template.txt").write_text(
        "TO: {{email}}\nSUBJECT: Bench bulletin\nFROM: For the Many <bench@example.org>\n\n"
        "Dear {{name}},\n\n" + body + "\n")
    with open(d / "mailmerge_database.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["email", "name"])
        for i in range(n):
            w.writerow([f"member{i}@example.org", f"Member Number{i}"])
    (d / "mailmerge_server.conf").write_text(
        f"[smtp_server]\nhost = 127.0.0.1\nport = {port}\nsecurity = Never\n")
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("mailmerge")), "--no-dry-run",
                    "--no-limit", "--output-format", "raw"], cwd=d, check=True,
                   stdout=subprocess.DEVNULL)
    return n / (time.perf_counter() - t)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="messages ftm sends")
    p.add_argument("--mailmerge-n", type=int, default=0,
                   help="messages mailmerge sends (default: min(N, 1000))")
    p.add_argument("--concurrency", type=int, default=8, help="ftm's SMTP connections")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--workdir", default="", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        ftm_child(a.n, a.port, Path(a.workdir), a.concurrency)
        return
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="ftm-bench-"))
    sink = Sink()
    try:
        ftm = run_ftm(a.n, sink.port, workdir, a.concurrency)
        if ftm["sent"] != a.n:
            raise RuntimeError(f"ftm delivered {ftm['sent']} of {a.n}")
        source = run_smtp_source(a.n, sink.port)
        mm_n = a.mailmerge_n or min(a.n, 1000)
        mm = run_mailmerge(mm_n, sink.port, workdir, body_text(2600))
    finally:
        sink.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    ftm_rate = a.n / ftm["send_s"]
    ceiling = max(source.values())
    print(f"ftm: {a.n} messages in {ftm['send_s']:.1f}s ({ftm_rate:.0f}/s, setup "
          f"{ftm['setup_s']:.1f}s), peak RSS {ftm['peak_rss_mb']:.0f} MB", file=sys.stderr)
    print("smtp-source: " + ", ".join(f"{s} session(s) {r:.0f}/s" for s, r in source.items()),
          file=sys.stderr)
    print(f"mailmerge: {mm:.0f}/s on {mm_n} messages; ftm is {ftm_rate / ceiling:.0%} of the "
          f"ceiling and {ftm_rate / mm:.0f}x mailmerge", file=sys.stderr)
    print(json.dumps({"n": a.n, "ftm_msgs_per_s": round(ftm_rate, 1),
                      "smtp_source_msgs_per_s": round(ceiling, 1),
                      "mailmerge_msgs_per_s": round(mm, 1),
                      "ftm_peak_rss_mb": round(ftm["peak_rss_mb"], 1),
                      "smtp_source_by_sessions": {str(k): round(v, 1) for k, v in source.items()},
                      "mailmerge_n": mm_n, "ftm_concurrency": a.concurrency}))


if __name__ == "__main__":
    main()
