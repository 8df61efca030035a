"""The daemon: inbox watcher, optional receiver and web endpoint, scheduler, in threads.

``run(app)`` is ``ftm run``: it builds the processor (``build_processor``), one task per
enabled path, the one-click unsubscribe endpoint when ``[http] listen`` is set
(``build_web``) and the scheduler, starts them, tells systemd READY=1, pings the
watchdog while every task shows signs of life, and on SIGTERM/SIGINT lets each task
finish the message in hand before it returns. ``run(app, once=True)`` is
``ftm run --once``: drain the inbox, run every job once, exit.

Each task has its own SQLite connection; the watcher and the receiver share the one
processor, so calls to it are serialized (one message at a time, one transaction).

Exceptions::

    DaemonError               the daemon cannot start; the message is one sentence
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from ftm.app import App
from ftm.jobs import build_jobs
from ftm.logins import imap_login
from ftm.mailing import identity
from ftm.oauth import TokenSources
from ftm.scheduler import Job, Scheduler
from ftm.sdnotify import Notifier
from ftm.settings import Settings
from ftm.wiring import policy, processing
from inbox.imap import WatchConfig
from inbox.oneclick import unsubscriber
from inbox.outcome import Outcome, Processor
from inbox.process import processor
from inbox.receive import Receiver, ReceiverConfig
from inbox.watch import Watcher
from inbox.web import WebConfig, WebServer
from lists.clock import utcnow
from lists.store import open_db
from mailer.compose import Composer
from mailer.render import Renderer

log = logging.getLogger(__name__)

JOIN_SECONDS = 60  # how long stopping waits for a task (the unit's TimeoutStopSec is longer)


class DaemonError(Exception):
    """The daemon cannot run; the message says what to do."""


def build_processor(app: App) -> Processor:
    """The processing entry point, ``process(raw_bytes, received_via) -> Outcome``.

    ``inbox.process.process`` on a connection of its own: parse, classify, apply and
    queue replies in one transaction, idempotent by Message-ID. Loading the rules
    (the principles file above all) here makes a bad deployment fail at start.
    """
    s = app.settings
    db = open_db(s.store.path, s.store.busy_timeout_ms)
    return processor(db, processing(app))


def serialized(processor: Processor) -> Processor:
    """*processor* behind a lock: the watcher and the receiver take turns."""
    lock = threading.Lock()

    def process(raw: bytes, received_via: str) -> Outcome:
        with lock:
            return processor(raw, received_via)

    return process


def watch_config(s: Settings, tokens: TokenSources | None = None) -> WatchConfig:
    """The watcher's settings from ``[imap]`` and ``[limits]``; the secret stays a callable.

    With XOAUTH2 and a refresh token the access token comes from *tokens* (the
    process's shared sources, so the SMTP side can use the same one).
    """
    credential, refused = imap_login(s, tokens if tokens is not None else TokenSources())
    return WatchConfig(
        host=s.imap.host, port=s.imap.port, username=s.imap.username,
        credential=credential, refused=refused, security=s.imap.security, auth=s.imap.auth,
        mailbox=s.imap.mailbox, folder_prefix=s.imap.folder_prefix, idle=s.imap.idle,
        poll_seconds=float(s.imap.poll_seconds), batch_size=s.imap.batch_size,
        max_message_bytes=s.limits.max_message_bytes)


def receiver_config(s: Settings) -> ReceiverConfig:
    return ReceiverConfig(address=s.network.address, delimiter=s.network.delimiter,
                          host=s.receiver.host, port=s.receiver.port,
                          protocol=s.receiver.protocol,
                          max_message_bytes=s.limits.max_message_bytes)


def web_config(s: Settings) -> WebConfig:
    """The endpoint's address from ``[http] listen``; its paths may keep base_url's path."""
    address = s.http.address()
    if address is None:
        raise DaemonError("[http] listen is empty: the web endpoint is off")
    return WebConfig(host=address[0], port=address[1],
                     prefix=urlsplit(s.network.base_url).path.rstrip("/"))


def build_web(app: App) -> WebServer:
    """The one-click unsubscribe endpoint: its own store connection, the membership rules,
    and pages from the site's templates (then the built-in ones) with the network's name."""
    s = app.settings
    db = open_db(s.store.path, s.store.busy_timeout_ms)
    composer = Composer(identity(s, app.secret_key()), Renderer(s.paths.templates_dir or None))
    network = composer.network_vars()

    def page(name: str, variables: Mapping[str, Any]) -> str:
        return composer.renderer.page(name, {**variables, "network": network})

    return WebServer(web_config(s), unsubscriber(db, policy(app)), page)


class Runnable(Protocol):
    beat: float

    def run_forever(self, stop: threading.Event) -> None: ...


@dataclass
class Task:
    """A named long-running part of the daemon, run in its own thread."""

    name: str
    body: Runnable
    thread: threading.Thread | None = None
    crashed: bool = False


@dataclass
class Daemon:
    """The tasks, the stop event and the service manager's line."""

    tasks: list[Task]
    notifier: Notifier = field(default_factory=Notifier)
    stop: threading.Event = field(default_factory=threading.Event)

    def watchers(self) -> list[Watcher]:
        return [t.body for t in self.tasks if isinstance(t.body, Watcher)]

    def scheduler(self) -> Scheduler | None:
        return next((t.body for t in self.tasks if isinstance(t.body, Scheduler)), None)

    def _start(self, task: Task) -> None:
        def body() -> None:
            try:
                task.body.run_forever(self.stop)
                if not self.stop.is_set():
                    raise RuntimeError("returned without being asked to stop")
            except BaseException:
                task.crashed = True
                log.critical("task %s stopped unexpectedly; stopping the daemon", task.name,
                             exc_info=True)
                self.stop.set()

        task.thread = threading.Thread(target=body, name=f"ftm-{task.name}", daemon=True)
        task.thread.start()

    def healthy(self, stale_after: float) -> bool:
        now = time.monotonic()
        return all(t.thread is not None and t.thread.is_alive() and not t.crashed
                   and now - t.body.beat < stale_after for t in self.tasks)

    def web(self) -> WebServer | None:
        return next((t.body for t in self.tasks if isinstance(t.body, WebServer)), None)

    def status(self) -> str:
        handled = sum(w.handled for w in self.watchers())
        handled += sum(t.body.handler.handled for t in self.tasks
                       if isinstance(t.body, Receiver))
        web = self.web()
        clicks = f"{web.endpoint.unsubscribes} one-click unsubscribe(s); " if web else ""
        return f"{handled} message(s) handled since start; {clicks}tasks: " + \
            ", ".join(t.name for t in self.tasks)

    def _stop_on_signals(self) -> None:
        """SIGTERM and SIGINT set the stop event: the message in hand is finished first."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, frame: self.stop.set())

    def run(self) -> int:
        """Run until SIGTERM/SIGINT (or a task crashes); 0 after a clean stop, else 1."""
        self._stop_on_signals()
        for task in self.tasks:
            self._start(task)
        self.notifier.send("READY=1", f"STATUS={self.status()}")
        log.info("ftm daemon running: %s", ", ".join(t.name for t in self.tasks))
        wd = self.notifier.watchdog_seconds
        tick = min(wd / 2, 10.0) if wd else 10.0
        while not self.stop.wait(tick):
            if wd and self.healthy(stale_after=wd):
                self.notifier.send("WATCHDOG=1", f"STATUS={self.status()}")
            elif wd:
                log.error("a task shows no sign of life; withholding the watchdog ping")
            else:
                self.notifier.send(f"STATUS={self.status()}")
        self.notifier.send("STOPPING=1", "STATUS=finishing the message in hand")
        log.info("stopping: finishing the message in hand")
        for task in self.tasks:
            if task.thread is not None:
                task.thread.join(timeout=JOIN_SECONDS)
        crashed = [t.name for t in self.tasks if t.crashed]
        log.info("ftm daemon stopped%s", f" after {', '.join(crashed)} crashed" if crashed
                 else "")
        return 1 if crashed else 0

    def drain(self) -> tuple[int, int]:
        """``--once``: every message in the inbox, then every job once; (messages, failed jobs)."""
        self._stop_on_signals()
        handled = 0
        for w in self.watchers():
            for _ in range(100_000):  # bounded: each pass handles all it finds
                n = w.poll_once(self.stop)
                handled += n
                if n == 0 or self.stop.is_set():
                    break
            w.close()
        sched = self.scheduler()
        runs = sched.run_all(utcnow()) if sched is not None else []
        return handled, sum(not r.ok for r in runs)


def assemble(app: App, processor: Processor | None,
             jobs: Sequence[Job] | None = None) -> Daemon:
    """The daemon for *app*'s settings: a watcher and/or receiver fed by *processor*,
    and the scheduler running *jobs* (default: ``ftm.jobs.build_jobs``)."""
    s = app.settings
    tasks: list[Task] = []
    if (s.imap.enabled or s.receiver.enabled) and processor is None:
        raise DaemonError("an inbound path is enabled but no processor was given")
    if s.imap.enabled and processor is not None:
        db = open_db(s.store.path, s.store.busy_timeout_ms)
        tasks.append(Task("imap", Watcher(watch_config(s, app.oauth_tokens), db, processor)))
    if s.receiver.enabled and processor is not None:
        tasks.append(Task("receiver", Receiver(receiver_config(s), processor)))
    if s.http.listen:
        tasks.append(Task("http", build_web(app)))
    sched_db = open_db(s.store.path, s.store.busy_timeout_ms)
    stop = threading.Event()   # shared with the jobs: a long bulk send stops between chunks
    tasks.append(Task("scheduler", Scheduler(
        list(jobs) if jobs is not None else build_jobs(app, sched_db, stop))))
    return Daemon(tasks, stop=stop)


def run(app: App, once: bool = False) -> int:
    """``ftm run``: migrate, build the processor, run the daemon (or drain once)."""
    s = app.settings
    app.db()  # opens the store and applies pending migrations
    processor = None
    if s.imap.enabled or s.receiver.enabled:
        processor = serialized(build_processor(app))
    else:
        log.warning("no inbound path is enabled ([imap] enabled, [receiver] enabled): "
                    "running the periodic jobs%s only",
                    " and the web endpoint" if s.http.listen else "")
    if s.network.base_url and not s.http.listen:
        log.warning("[network] base_url is set, so list mail offers one-click unsubscribe "
                    "there, but [http] listen is empty: ftm does not answer it")
    elif s.http.listen and not s.network.base_url:
        log.warning("[http] listen is set but [network] base_url is empty: no mail links "
                    "to the unsubscribe pages")
    daemon = assemble(app, processor)
    if once:
        handled, failed = daemon.drain()
        log.info("drained %d message(s); %d job(s) failed", handled, failed)
        return 1 if failed else 0
    web = daemon.web()
    if web is not None:
        web.start()  # a port in use stops the start here, in one line (WebError)
    return daemon.run()
