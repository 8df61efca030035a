"""The one-click unsubscribe URL (RFC 8058) served over HTTP, behind the deployment's TLS proxy.

List mail carries ``List-Unsubscribe: <https://BASE/unsubscribe?token=T>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``; this answers that URL:

    POST /unsubscribe?token=T   body ``List-Unsubscribe=One-Click`` (urlencoded or
                                multipart): the leave, as ``inbox.oneclick`` applies it.
                                200 whatever the token was (no confirmation step, and
                                nothing says whom a token named); from our own page
                                (field ``via=page``) an HTML page saying what happened.
    GET  /unsubscribe?token=T   a page asking to confirm, with a button that POSTs. A GET
                                never changes anything: mail scanners follow links.
    GET  /healthz               200 ``ok`` for the proxy's health check.
    anything else               404 (405 for another method on a known path).

A path may keep base_url's own path in front (``/ftm/unsubscribe``), so the proxy may
pass it on or strip it. Bounds: http.server's limits on the request line and headers
(64 KiB, 100 headers); a body only with a Content-Length (411) of at most
``max_body_bytes`` (413); ``timeout`` seconds for each read or write; at most
``max_connections`` at once (503 beyond). A busy or locked store answers 503 with
Retry-After, so a mail provider tries again. Tokens never reach the log: http.server's
own lines (which quote the request line) are replaced by lines naming the route only.

Exceptions::

    WebError     the endpoint cannot listen (address in use, not ours, no permission)
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from inbox.handling import store_unavailable
from inbox.oneclick import took_effect
from lists.policy import Result
from lists.tokens import TOKEN_RE

log = logging.getLogger(__name__)

Unsubscribe = Callable[[str], Result]          # token -> what the leave did
Page = Callable[[str, Mapping[str, Any]], str]  # template name, variables -> HTML

ROUTES = {"/unsubscribe": ("GET", "HEAD", "POST"), "/healthz": ("GET", "HEAD")}
BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n")
# every answer: never cached, never sniffed, no Referer (the URL holds a token)
COMMON_HEADERS = (("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                  ("Referrer-Policy", "no-referrer"), ("X-Robots-Tag", "noindex"))
PAGE_HEADERS = (("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),)


class WebError(Exception):
    """The endpoint cannot listen; the message says where and why."""


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Where the endpoint listens and its bounds; ftm builds it from ``[http]``."""

    host: str = "127.0.0.1"
    port: int = 8080               # 0: any free port (tests)
    prefix: str = ""               # base_url's path, such as "/ftm"; "" when it has none
    max_body_bytes: int = 4096     # RFC 8058's body is 26 bytes; a multipart one a few hundred
    timeout: float = 10.0          # seconds for each read or write on a connection
    max_connections: int = 32
    retry_after: int = 60          # seconds, when the store is busy


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def text(status: int, words: str, *headers: tuple[str, str]) -> Reply:
    return Reply(status, (words + "\n").encode(), headers=headers)


def form_fields(content_type: str, body: bytes) -> dict[str, str]:
    """A POSTed form's fields (the first of each name): urlencoded or multipart/form-data.

    >>> form_fields("application/x-www-form-urlencoded", b"List-Unsubscribe=One-Click")
    {'List-Unsubscribe': 'One-Click'}

    Raises ValueError for a form with too many fields.
    """
    content_type = " ".join(content_type.split())  # no line breaks into the header below
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body)
        fields: dict[str, str] = {}
        parts = list(msg.iter_parts()) if msg.is_multipart() else []
        for part in parts[:20]:
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str) and name not in fields:
                payload = part.get_payload(decode=True)
                value = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                fields[name] = value.strip()
        return fields
    pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, max_num_fields=20)
    return dict(reversed(pairs))


class Endpoint:
    """What each route answers: plain values in, a ``Reply`` out (the server does the bytes)."""

    def __init__(self, config: WebConfig, unsubscribe: Unsubscribe, page: Page) -> None:
        self.config = config
        self.unsubscribe = unsubscribe
        self.page = page
        self.unsubscribes = 0

    def route(self, path: str) -> str | None:
        """The route a request path names (base_url's path in front or not), or None."""
        prefix = self.config.prefix.rstrip("/")
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix):]
        return path if path in ROUTES else None

    def html(self, status: int, name: str, variables: Mapping[str, Any]) -> Reply:
        return Reply(status, self.page(name, variables).encode(), "text/html; charset=utf-8",
                     PAGE_HEADERS)

    def get(self, route: str, token: str | None) -> Reply:
        """``GET`` (and ``HEAD``): the health check, or the page that asks to confirm."""
        if route == "/healthz":
            return text(200, "ok")
        if token is None or not TOKEN_RE.fullmatch(token):
            return text(404, "Not found")
        return self.html(200, "web/unsubscribe", {"token": token})

    def post(self, token: str | None, form: Mapping[str, str]) -> Reply:
        """``POST /unsubscribe``: the leave, whatever the token turns out to be."""
        if token is None:
            return text(404, "Not found")
        if form.get("List-Unsubscribe") != "One-Click":
            return text(400, "Expected a form with List-Unsubscribe=One-Click (RFC 8058)")
        result = self.unsubscribe(token)
        self.unsubscribes += 1
        log.info('web: one-click unsubscribe outcome="%s"%s', result.action,
                 f" replies={result.replies}" if result.replies else "")
        if form.get("via") != "page":
            return text(200, "OK")
        done = took_effect(result)
        return self.html(200, "web/unsubscribed" if done else "web/link-used", {})


class _Handler(BaseHTTPRequestHandler):
    """http.server's request parsing, with ftm's limits, answers and log lines."""

    server: _Server

    def version_string(self) -> str:
        return "ftm"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.config.timeout)  # every read and write

    # -- the log: never http.server's lines, which quote the request line (and its token)
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        log.debug("web: a request was malformed or timed out")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not hasattr(self, "path"):  # a request line http.server could not read
            log.debug("web: unreadable request -> %s", code)
            return
        log.debug("web: %s %s -> %s", self.command, self._target()[0] or "(other path)", code)

    def _target(self) -> tuple[str | None, str | None]:
        """(route or None, the one token or None) from the request path."""
        split = urlsplit(self.path)
        route = self.server.endpoint.route(split.path)
        try:
            given = parse_qs(split.query, max_num_fields=10).get("token", [])
        except ValueError:
            given = []
        return route, given[0] if len(given) == 1 else None

    def _serve(self) -> None:
        """Every method: http.server looks for ``do_<METHOD>``, and all of them come here."""
        method = self.command
        route, token = self._target()
        endpoint = self.server.endpoint
        try:
            if route is None:
                reply = text(404, "Not found")
            elif method not in ROUTES[route]:
                reply = text(405, "Method not allowed", ("Allow", ", ".join(ROUTES[route])))
            elif method == "POST":
                body = self._body()
                if isinstance(body, Reply):
                    reply = body
                else:
                    try:
                        form = form_fields(self.headers.get("Content-Type", ""), body)
                    except ValueError:
                        reply = text(400, "Too many form fields")
                    else:
                        reply = endpoint.post(token, form)
            else:
                reply = endpoint.get(route, token)
        except Exception as e:
            reply = self._failed(e, token)
        self._answer(reply, with_body=method != "HEAD")

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

    def _body(self) -> bytes | Reply:
        """The request body, or the refusal when it has no length or is too long."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return text(411, "Send the body with a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            return text(411, "Send the body with a Content-Length")
        if not length.strip().isdigit():
            self.close_connection = True
            return text(400, "Bad Content-Length")
        n = int(length)
        if n > self.server.config.max_body_bytes:
            self.close_connection = True  # the body is never read
            return text(413, "Request body too large")
        body = self.rfile.read(n)
        if len(body) != n:
            self.close_connection = True
            return text(400, "The body ended early")
        return body

    def _failed(self, e: Exception, token: str | None) -> Reply:
        """503 with Retry-After while the store is busy; 500 otherwise, logged without the token."""
        if store_unavailable(e):
            log.warning("web: the store is busy or unavailable (%s); answered 503",
                        type(e).__name__)
            return text(503, "Busy; try again shortly",
                        ("Retry-After", str(self.server.config.retry_after)))
        detail = "".join(traceback.format_exception(e))
        if token:
            detail = detail.replace(token, "<token>")
        log.error("web: answering %s failed; answered 500\n%s", self.command, detail.rstrip())
        return text(500, "Something went wrong on our side")

    def _answer(self, reply: Reply, with_body: bool) -> None:
        self.send_response(reply.status)
        for name, value in (*COMMON_HEADERS, *reply.headers):
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if with_body:
            self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` of them; errors logged plainly."""

    def __init__(self, config: WebConfig, endpoint: Endpoint) -> None:
        self.config = config
        self.endpoint = endpoint
        self.slots = threading.BoundedSemaphore(config.max_connections)
        if ":" in config.host:
            self.address_family = socket.AF_INET6
        super().__init__((config.host, config.port), _Handler)
        self.timeout = 0.5  # handle_request returns at least this often

    def server_bind(self) -> None:
        TCPServer.server_bind(self)  # without HTTPServer's reverse DNS lookup of the host
        self.server_name, self.server_port = str(self.server_address[0]), \
            int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(BUSY)
            self.shutdown_request(request)
            log.warning("web: %d connections already open; answered 503",
                        self.config.max_connections)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.warning("web: a connection failed: %s", type(sys.exc_info()[1]).__name__)


class WebServer:
    """The endpoint's lifecycle: ``start``/``close``, or ``run_forever(stop)`` in a thread."""

    def __init__(self, config: WebConfig, unsubscribe: Unsubscribe, page: Page) -> None:
        self.config = config
        self.endpoint = Endpoint(config, unsubscribe, page)
        self.beat = time.monotonic()
        self._server: _Server | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the real port when the config said 0); start() first."""
        assert self._server is not None, "start() first"
        return str(self._server.server_address[0]), int(self._server.server_address[1])

    def start(self) -> tuple[str, int]:
        """Bind and listen; returns the address."""
        try:
            self._server = _Server(self.config, self.endpoint)
        except OSError as e:
            raise WebError(f"cannot listen on {self.config.host}:{self.config.port} "
                           f"([http] listen): {e.strerror or e}") from e
        host, port = self.address
        log.info("web: one-click unsubscribe on http://%s:%d%s/unsubscribe",
                 f"[{host}]" if ":" in host else host, port, self.config.prefix.rstrip("/"))
        return host, port

    def close(self) -> None:
        """Stop listening; requests in hand finish first (each bounded by the timeout)."""
        if self._server is not None:
            self._server.server_close()
            self._server = None

    def run_forever(self, stop: threading.Event) -> None:
        if self._server is None:
            self.start()
        assert self._server is not None
        try:
            while not stop.is_set():
                self._server.handle_request()
                self.beat = time.monotonic()
        finally:
            self.close()
