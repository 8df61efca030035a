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

The IMAP connection, its folders and its errors (``WatchError``, ``LoginFailed``)
live in ``inbox.imap``.

A store outage raised by the processor (``lists.store.StoreError``) leaves the message
in the inbox and propagates, so the caller retries later.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlite_utils
from imapclient import IMAPClient

from inbox import cursor as cursors
from inbox.handling import log_outcome, message_id_of, process_safely, store_unavailable
from inbox.imap import FOLDERS, ImapSession, WatchConfig, WatchError
from inbox.outcome import Processor
from lists.clock import utcnow

log = logging.getLogger(__name__)

# Most message bytes fetched in one round trip: bounds memory on a small box, and the
# time between two signs of life for the watchdog, when big attachments arrive.
FETCH_BYTES = 16_000_000


class Watcher(ImapSession):
    """Watches one mailbox; ``poll_once`` for one pass, ``run_forever`` for the daemon."""

    def __init__(self, config: WatchConfig, db: sqlite_utils.Database, processor: Processor,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(config)
        self.db = db
        self.processor = processor
        self.clock = clock
        self.beat = time.monotonic()  # last sign of life, for the daemon's watchdog
        self.handled = 0  # messages filed since start

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

