"""The watcher's IMAP session: connect, log in, make the folders, file messages into them.

``ImapSession.connect`` opens one connection (implicit TLS, STARTTLS or none), logs
in with a password or XOAUTH2 (a refused token is traded once for a fresh one),
and creates ``{prefix}/processed``, ``review``, ``bounces`` and ``failed`` when they
are missing; processed messages are filed there by MOVE where offered, else COPY +
``\\Deleted`` + UID EXPUNGE. ``inbox.watch.Watcher`` runs its passes on this session.

Errors of imapclient, sockets and TLS are mapped here, in one place, to::

    WatchError          the IMAP side failed: network, TLS, server; the loop reconnects
    └── LoginFailed     the server refused the login (wrong password, expired token)
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

log = logging.getLogger(__name__)

FOLDERS = ("processed", "review", "bounces", "failed")


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


class ImapSession:
    """One connection to the shared mailbox, reused until it breaks; ``close`` logs out."""

    def __init__(self, config: WatchConfig) -> None:
        self.config = config
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
