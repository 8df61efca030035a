"""The IMAP watcher: new mail in the shared inbox goes to the processor, then to a folder.

One pass (``Watcher.poll_once``) selects the mailbox, checks its UIDVALIDITY against
the stored cursor, lists the UIDs above the cursor, fetches them in batches with
``BODY.PEEK[]`` (nothing is marked read), hands each message to the processor and,
only after the processor has committed, moves it to ``{prefix}/processed``,
``review``, ``bounces`` or ``failed`` (MOVE where offered, else COPY + ``\\Deleted`` +
UID EXPUNGE). The cursor advances after the move, so a crash anywhere replays the
message and the processor's idempotency turns the replay into a duplicate.

``Watcher.run_forever(stop)`` repeats passes, waiting in IDLE where the server offers
it (polling every ``poll_seconds`` otherwise, and renewing IDLE as often), and
reconnects with exponential backoff and jitter after any network or server error.

Exceptions::

    WatchError          the IMAP side failed: network, TLS, server; the loop reconnects
    └── LoginFailed     the server refused the login (wrong password, expired token)

A store outage raised by the processor (``lists.store.StoreError``) leaves the message
in the inbox and propagates, so the caller retries later.
"""

from __future__ import annotations

import contextlib
import logging
import random
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from inbox import cursor as cursors
from inbox.handling import log_outcome, message_id_of, process_safely, store_unavailable
from inbox.outcome import Processor
from lists.clock import utcnow

log = logging.getLogger(__name__)

FOLDERS = ("processed", "review", "bounces", "failed")
# Most message bytes fetched in one round trip: bounds memory on a small box, and the
# time between two signs of life for the watchdog, when big attachments arrive.
FETCH_BYTES = 16_000_000


class WatchError(Exception):
    """The IMAP server could not be reached or answered with an error."""


class LoginFailed(WatchError):
    """The IMAP server refused the login."""


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """Where the shared inbox is and how to read it; ftm builds it from ``[imap]``.

    ``credential`` returns the password (``auth="password"``) or the OAuth2 access
    token (``auth="xoauth2"``); it is called at each login (it may fetch a fresh token,
    and raises ``WatchError`` or ``LoginFailed`` when none can be had). ``refused`` is
    told which token the server refused: an XOAUTH2 login is then tried once more
    with a fresh one when ``credential`` has one. ``use_move=False`` files by COPY +
    delete even where the server offers MOVE.
    """

    host: str
    port: int
    username: str
    credential: Callable[[], str | None] = field(repr=False)
    refused: Callable[[str], None] | None = field(default=None, repr=False)
    security: str = "tls"  # tls | starttls | none
    auth: str = "password"  # password | xoauth2
    mailbox: str = "INBOX"
    folder_prefix: str = "ftm"
    idle: bool = True
    poll_seconds: float = 60.0
    batch_size: int = 50
    max_message_bytes: int = 10_000_000
    timeout: float = 60.0
    backoff_first: float = 1.0
    backoff_max: float = 300.0
    use_move: bool = True
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    received_via: str = "imap"

    @property
    def account(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"


class Watcher:
    """Watches one mailbox; ``poll_once`` for one pass, ``run_forever`` for the daemon."""

    def __init__(self, config: WatchConfig, db: sqlite_utils.Database, processor: Processor,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.config = config
        self.db = db
        self.processor = processor
        self.clock = clock
        self.beat = time.monotonic()  # last sign of life, for the daemon's watchdog
        self.handled = 0  # messages filed since start
        self._client: IMAPClient | None = None
        self._folders: dict[str, str] = {}
        self._move = False
        self._uidplus = False

    # -- connection -------------------------------------------------------------------

    def connect(self) -> IMAPClient:
        """Connect, log in, create the folders when missing; reuse a live connection."""
        if self._client is not None:
            return self._client
        cfg = self.config
        with self._imap_errors():
            context = cfg.ssl_context or ssl.create_default_context()
            client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.security == "tls",
                                ssl_context=context, timeout=cfg.timeout)
            self._client = client
            if cfg.security == "starttls":
                client.starttls(context)
            self._login(client)
            self._move = cfg.use_move and client.has_capability("MOVE")
            self._uidplus = client.has_capability("UIDPLUS")
            self._folders = self._ensure_folders(client)
            log.info("IMAP %s: connected (%s, %s)", cfg.account, cfg.security,
                     "MOVE" if self._move else "COPY+EXPUNGE")
        return client

    def _login(self, client: IMAPClient) -> None:
        """Log in; an XOAUTH2 token the server refuses is invalidated and, when a fresh
        one is to be had, the login is tried once more on the same connection."""
        cfg = self.config
        secret = cfg.credential()
        if not secret:
            what = "OAuth token" if cfg.auth == "xoauth2" else "password"
            raise LoginFailed(f"IMAP {cfg.account}: no {what} is set")
        try:
            self._authenticate(client, secret)
            return
        except LoginError as e:
            refusal = e
        if cfg.auth == "xoauth2" and cfg.refused is not None:
            cfg.refused(secret)
            fresh = cfg.credential()
            if fresh and fresh != secret:
                log.info("IMAP %s: the access token was refused; trying a fresh one",
                         cfg.account)
                try:
                    self._authenticate(client, fresh)
                    return
                except LoginError as e:
                    refusal = e
                    cfg.refused(fresh)
        raise LoginFailed(f"IMAP {cfg.account}: login refused: {refusal}") from None

    def _authenticate(self, client: IMAPClient, secret: str) -> None:
        if self.config.auth == "xoauth2":
            client.oauth2_login(self.config.username, secret)
        else:
            client.login(self.config.username, secret)

    def _ensure_folders(self, client: IMAPClient) -> dict[str, str]:
        """``{"processed": "ftm/processed", ...}`` in the server's naming; created if missing."""
        listed = client.list_folders("", self.config.mailbox)
        delim = listed[0][1] if listed and listed[0][1] else b"/"
        sep = delim.decode() if isinstance(delim, bytes) else str(delim)
        ns_prefix = ""
        if client.has_capability("NAMESPACE"):
            personal = client.namespace().personal
            if personal:
                ns_prefix = str(personal[0][0])
        names = {f: f"{ns_prefix}{self.config.folder_prefix}{sep}{f}" for f in FOLDERS}
        for name in names.values():
            if not client.folder_exists(name):
                try:
                    client.create_folder(name)
                    log.info("IMAP %s: created folder %s", self.config.account, name)
                except IMAPClientError:
                    if not client.folder_exists(name):  # not a race with another client
                        raise
                with contextlib.suppress(IMAPClientError):
                    client.subscribe_folder(name)
        return names

    def close(self) -> None:
        """Log out (best effort) and forget the connection."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.logout()

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.shutdown()

    @contextlib.contextmanager
    def _imap_errors(self) -> Iterator[None]:
        """Map imapclient and socket errors to WatchError, dropping the broken connection."""
        try:
            yield
        except WatchError:  # a refused login, or no token to be had: start afresh
            self._drop()
            raise
        except (IMAPClientError, OSError) as e:  # OSError covers socket, TLS and timeouts
            self._drop()
            raise WatchError(f"IMAP {self.config.account}: {type(e).__name__}: {e}") from e

    # -- one pass -------------------------------------------------------------------

    def poll_once(self, stop: threading.Event | None = None) -> int:
        """Process and file every message above the cursor; return how many were filed.

        With *stop* set, the message in hand is finished and filed, and the pass ends.
        """
        self.beat = time.monotonic()
        client = self.connect()
        with self._imap_errors():
            info = client.select_folder(self.config.mailbox)
            cur = self._cursor(int(info[b"UIDVALIDITY"]))
            uidnext = info.get(b"UIDNEXT")
            if isinstance(uidnext, int) and uidnext - 1 <= cur.last_uid:
                return 0
            found = client.search(["UID", f"{cur.last_uid + 1}:*", "UNDELETED"])
            uids = sorted(u for u in found if u > cur.last_uid)
            done = 0
            for start in range(0, len(uids), self.config.batch_size):
                if stop is not None and stop.is_set():
                    break
                done += self._batch(client, cur, uids[start:start + self.config.batch_size],
                                    stop)
            return done

    def _cursor(self, uidvalidity: int) -> cursors.Cursor:
        cfg = self.config
        cur = cursors.load(self.db, cfg.account, cfg.mailbox)
        if cur is not None and cur.uidvalidity == uidvalidity:
            return cur
        if cur is not None:
            log.warning("IMAP %s: %s UIDVALIDITY changed from %d to %d; rescanning the "
                        "whole mailbox (messages processed before count as duplicates)",
                        cfg.account, cfg.mailbox, cur.uidvalidity, uidvalidity)
        cur = cursors.Cursor(uidvalidity, 0)
        cursors.save(self.db, cfg.account, cfg.mailbox, cur, self.clock())
        return cur

    def _batch(self, client: IMAPClient, cur: cursors.Cursor, batch: list[int],
               stop: threading.Event | None) -> int:
        """Process one batch in UID order, file it, advance the cursor; return how many."""
        cfg = self.config
        sizes = {u: int(v.get(b"RFC822.SIZE", 0))
                 for u, v in client.fetch(batch, ["RFC822.SIZE"]).items()}
        small = [u for u in batch if u in sizes and sizes[u] <= cfg.max_message_bytes]
        groups = by_size(small, sizes, FETCH_BYTES)
        group_of = {u: i for i, group in enumerate(groups) for u in group}
        bodies: dict[int, Any] = {}
        fetched = -1
        filed: dict[str, list[int]] = defaultdict(list)
        done: list[int] = []
        store_down: BaseException | None = None
        for uid in batch:
            if stop is not None and stop.is_set():
                break
            self.beat = time.monotonic()
            if uid in group_of and group_of[uid] != fetched:
                fetched = group_of[uid]  # the next few MB, not the whole batch, in memory
                bodies = client.fetch(groups[fetched], ["BODY.PEEK[]"])
                self.beat = time.monotonic()
            if uid not in sizes or (uid in group_of and uid not in bodies):
                done.append(uid)  # expunged by someone else since the SEARCH
                continue
            if uid not in group_of:
                filed["review"].append(uid)
                self._log_oversize(client, uid, sizes[uid])
                done.append(uid)
                continue
            raw = bytes(bodies.pop(uid)[b"BODY[]"])
            try:
                outcome = process_safely(self.processor, raw, cfg.received_via)
            except Exception as e:  # the store is down: keep this one in the inbox
                store_down = e
                break
            folder = outcome.folder if outcome.folder in FOLDERS else "review"
            filed[folder].append(uid)
            log_outcome(outcome, cfg.received_via, f"uid={uid}")
            done.append(uid)
        self._file(client, filed)
        if done:
            cursors.save(self.db, cfg.account, cfg.mailbox,
                         cursors.Cursor(cur.uidvalidity, max(done)), self.clock())
            self.handled += len(done)
        if store_down is not None:
            raise store_down
        return len(done)

    def _log_oversize(self, client: IMAPClient, uid: int, size: int) -> None:
        head = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]).get(uid, {})
        raw: Any = next((v for k, v in head.items() if k.startswith(b"BODY[HEADER")), b"")
        log.warning('%s intent=unknown outcome="too large, not read" folder=review via=%s '
                    "uid=%d size=%d limit=%d", message_id_of(bytes(raw or b"")),
                    self.config.received_via, uid, size, self.config.max_message_bytes)

    def _file(self, client: IMAPClient, filed: dict[str, list[int]]) -> None:
        """Move each group of UIDs to its folder (MOVE, else COPY + delete + expunge)."""
        for folder, uids in filed.items():
            if not uids:
                continue
            target = self._folders[folder]
            if self._move:
                client.move(uids, target)
                continue
            client.copy(uids, target)
            client.delete_messages(uids, silent=True)
            if self._uidplus:
                client.uid_expunge(uids)
            else:
                client.expunge()

    # -- the loop -------------------------------------------------------------------

    def wait_for_mail(self, stop: threading.Event, timeout: float) -> None:
        """Return when new mail may have arrived, *timeout* passed, or *stop* was set."""
        client = self.connect()
        deadline = time.monotonic() + timeout
        if not (self.config.idle and client.has_capability("IDLE")):
            while not stop.is_set() and time.monotonic() < deadline:
                self.beat = time.monotonic()
                stop.wait(min(1.0, max(0.0, deadline - time.monotonic())))
            return
        with self._imap_errors():
            client.idle()
            try:
                while not stop.is_set():
                    self.beat = time.monotonic()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    slice_ = min(1.0, left)
                    t0 = time.monotonic()
                    responses = client.idle_check(timeout=slice_)
                    if any(_is_news(r) for r in responses):
                        break
                    if not responses and time.monotonic() - t0 < slice_ / 2:
                        break  # woken with nothing to read: the server closed; DONE tells
            finally:
                client.idle_done()

    def run_forever(self, stop: threading.Event) -> None:
        """Pass, wait for mail, pass again, until *stop*; reconnect with backoff on errors."""
        delay = self.config.backoff_first
        while not stop.is_set():
            try:
                while self.poll_once(stop) and not stop.is_set():
                    pass  # mail arrived during the pass: look again before waiting
                if stop.is_set():
                    break
                self.wait_for_mail(stop, self.config.poll_seconds)
                delay = self.config.backoff_first
            except Exception as e:
                if not isinstance(e, WatchError) and not store_unavailable(e):
                    raise  # a bug: let the daemon stop and systemd restart it
                pause = random.uniform(delay / 2, delay)
                what = str(e) if isinstance(e, WatchError) else f"the store is unavailable: {e}"
                log.warning("%s; retrying in %.1f s", what, pause)
                self._sleep(stop, pause)
                delay = min(delay * 2, self.config.backoff_max)
        self.close()

    def _sleep(self, stop: threading.Event, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline:
            self.beat = time.monotonic()
            stop.wait(min(1.0, max(0.0, deadline - time.monotonic())))


def by_size(uids: list[int], sizes: dict[int, int], limit: int) -> list[list[int]]:
    """*uids* in order, cut into runs of at most *limit* bytes (one message at least)."""
    groups: list[list[int]] = []
    total = limit + 1
    for uid in uids:
        if total + sizes[uid] > limit:
            groups.append([])
            total = 0
        groups[-1].append(uid)
        total += sizes[uid]
    return groups


def _is_news(response: tuple[Any, ...]) -> bool:
    """An IDLE response that means the mailbox changed (new mail, or the server leaving)."""
    return len(response) >= 2 and (response[1] in (b"EXISTS", b"RECENT")
                                   or response[0] == b"BYE")

