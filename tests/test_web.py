"""The one-click unsubscribe endpoint (RFC 8058) over real HTTP on loopback, on a real store.

The endpoint is built as ``ftm run`` builds it (``ftm.daemon.build_web``) on a deployment
in the test's folder; requests are made with urllib (or a raw socket where urllib would
not send what is tested), and the store says what happened.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from ftm import mailing
from ftm.app import App
from ftm.daemon import build_web
from ftm.wiring import policy, processing
from inbox.oneclick import NOTHING_CHANGED
from inbox.process import process
from inbox.web import WebConfig, WebServer
from lists import members, membership, tokens
from lists.clock import utcnow
from lists.commands import Commit, Join, Origin
from lists.hubs import load_hubs
from lists.hubsync import sync_hubs
from lists.outbox import OutgoingMail, enqueue
from lists.store import open_db, transaction
from mailer.render import BUILTIN, Renderer
from tests.conftest import write_deployment
from tests.servers import SmtpServer, free_port

NETWORK = "forthemany.network@gmail.com"
ONE_CLICK = b"List-Unsubscribe=One-Click"


@dataclass
class Site:
    """A running endpoint and the deployment behind it."""

    app: App
    server: WebServer
    url: str

    @property
    def db(self) -> sqlite_utils.Database:
        return self.app.db()


def start_site(tmp_path: Path, **sections: dict[str, object]) -> Iterator[Site]:
    config = write_deployment(tmp_path / "d", http={"listen": f"127.0.0.1:{free_port()}"},
                              **sections)
    app = App(str(config))
    sync_hubs(app.db(), load_hubs(app.settings.paths.hubs_file), utcnow(), apply=True,
              notify=False)
    server = build_web(app)
    host, port = server.start()
    stop = threading.Event()
    thread = threading.Thread(target=server.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        yield Site(app, server, f"http://{host}:{port}")
    finally:
        stop.set()
        thread.join(timeout=10)
        app.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The endpoint on a free loopback port, over a migrated store with the example hubs."""
    yield from start_site(tmp_path)


def active_member(app: App, email: str, postcode: str = "L8 1AB") -> tuple[int, str]:
    """A member made active by the real join and confirm round trip; (id, unsub token)."""
    db, rules, now = app.db(), policy(app), utcnow()
    with transaction(db):
        membership.run(db, Join(Origin(email, make_msgid()), "Ann Lee", postcode), now, rules)
    row = db.execute("SELECT context FROM outbox WHERE to_addr = ? AND template = ? "
                     "ORDER BY id DESC", [email, "member/confirm-join"]).fetchone()
    confirm = json.loads(row[0])["confirm_address"].split("+confirm-")[1].split("@")[0]
    with transaction(db):
        membership.run(db, Commit(Origin(email, make_msgid(), token=confirm,
                                         token_action="confirm")), now, rules)
        m = members.find(db, email)
        assert m is not None and m.state == "active"
        return m.id, tokens.issue(db, "unsub", email, now, timedelta(days=60), m.id)


def call(url: str, data: bytes | None = None, method: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of one request; errors are answers too."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - loopback http
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def one_click(site: Site, token: str, body: bytes = ONE_CLICK) -> tuple[int, dict[str, str], str]:
    """The POST a mail provider makes for List-Unsubscribe-Post (RFC 8058 section 3.2)."""
    return call(f"{site.url}/unsubscribe?token={token}", body,
                headers={"Content-Type": "application/x-www-form-urlencoded"})


def raw_request(site: Site, head: str) -> bytes:
    """Send *head* as it is (no body) and read the whole answer."""
    host, port = site.server.address
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(head.encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def snapshot(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a leave could change."""
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()]
            for t in ("members", "consents", "tokens", "audit_log", "outbox")}


def left_audit(db: sqlite_utils.Database, member_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [(r[0], json.loads(r[1])) for r in db.execute(
        "SELECT actor, detail FROM audit_log WHERE member_id = ? AND action = 'left'",
        [member_id]).fetchall()]


def replies(db: sqlite_utils.Database, to: str, template: str) -> int:
    return int(db.execute("SELECT count(*) FROM outbox WHERE to_addr = ? AND template = ? "
                          "AND kind = 'reply'", [to, template]).fetchone()[0])


def test_one_click_leaves_as_the_unsubscribe_address_does(site: Site) -> None:
    # Ann leaves by the RFC 8058 POST, Bob by mail to +unsub-TOKEN: the same effects,
    # told apart only by the audit log's actor
    ann, ann_token = active_member(site.app, "ann@example.org")
    bob, bob_token = active_member(site.app, "bob@example.org", "M20 6GH")
    status, headers, body = one_click(site, ann_token)
    assert (status, body) == (200, "OK\n")
    assert headers["Cache-Control"] == "no-store"
    mail = (f"From: Bob <bob@example.org>\r\nTo: {NETWORK.replace('@', f'+unsub-{bob_token}@')}"
            f"\r\nSubject: unsubscribe\r\nMessage-ID: {make_msgid()}\r\n\r\n").encode()
    outcome = process(site.db, mail, "test", processing(site.app))
    assert (outcome.intent, outcome.action) == ("leave", "member left")
    for member_id, email in ((ann, "ann@example.org"), (bob, "bob@example.org")):
        state, left_at = site.db.execute("SELECT state, left_at FROM members WHERE id = ?",
                                         [member_id]).fetchone()
        assert state == "left" and left_at
        assert all(c["withdrawn_at"] for c in members.consents(site.db, member_id))
        assert tokens.pending(site.db, email, utcnow()) == {}
        assert replies(site.db, email, "member/left") == 1
    assert left_audit(site.db, ann) == [("web", {"previous_state": "active", "proof": "token"})]
    assert left_audit(site.db, bob) == [("email", {"previous_state": "active",
                                                   "proof": "token"})]


def test_a_replayed_post_has_no_second_effect(site: Site,
                                              caplog: pytest.LogCaptureFixture) -> None:
    # the same POST twice (a provider retrying): both 200, one leave, one mail
    ann, token = active_member(site.app, "ann@example.org")
    caplog.set_level(logging.INFO, logger="inbox.web")
    assert one_click(site, token)[0] == 200
    after_first = snapshot(site.db)
    assert one_click(site, token)[:3:2] == (200, "OK\n")
    assert snapshot(site.db) == after_first
    assert len(left_audit(site.db, ann)) == 1
    assert replies(site.db, "ann@example.org", "member/left") == 1
    assert caplog.text.count('outcome="member left"') == 1
    assert caplog.text.count(f'outcome="{NOTHING_CHANGED}"') == 1


def test_get_asks_and_changes_nothing(site: Site) -> None:
    # a mail scanner following the link: a page with a button that POSTs, nothing changed
    _, token = active_member(site.app, "ann@example.org")
    before = snapshot(site.db)
    status, headers, page = call(f"{site.url}/unsubscribe?token={token}")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "For the Many" in page and '<form method="post"' in page
    assert f'action="unsubscribe?token={token}"' in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert call(f"{site.url}/unsubscribe?token={token}", method="HEAD")[0] == 200
    assert snapshot(site.db) == before
    assert tokens.peek(site.db, token, "unsub", None, utcnow()) is not None


def test_the_page_button_leaves_and_says_so(site: Site) -> None:
    # the page's own form: the leave, a page saying it is done and how to rejoin; again:
    # the link is used up and the page says so
    ann, token = active_member(site.app, "ann@example.org")
    form = ONE_CLICK + b"&via=page"
    status, _, page = one_click(site, token, form)
    assert status == 200 and "no longer a member of For the Many" in page
    assert f"mailto:{NETWORK}" in page and '"join"' in page
    assert members.get(site.db, ann).state == "left"  # type: ignore[union-attr]
    status, _, page = one_click(site, token, form)
    assert status == 200 and "already been used or has expired" in page


@pytest.mark.parametrize("kind", ["unknown", "expired", "confirm token", "malformed"])
def test_a_bad_token_gets_200_and_changes_nothing(site: Site, kind: str) -> None:
    # RFC 8058 has no confirmation step, and an answer must not say whom a token named
    ann, _ = active_member(site.app, "ann@example.org")
    now = utcnow()
    with transaction(site.db):
        token = {
            "unknown": tokens.new_token(),
            "expired": tokens.issue(site.db, "unsub", "ann@example.org",
                                    now - timedelta(days=61), timedelta(days=60), ann),
            "confirm token": tokens.issue(site.db, "confirm", "ann@example.org", now,
                                          timedelta(days=1), ann),
            "malformed": "not-a-token!",
        }[kind]
    before = snapshot(site.db)
    assert one_click(site, token)[:3:2] == (200, "OK\n")
    assert snapshot(site.db) == before
    assert members.get(site.db, ann).state == "active"  # type: ignore[union-attr]


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/", 404), ("GET", "/unsubscribe/x", 404), ("POST", "/admin", 404),
    ("GET", "/unsubscribe", 404), ("POST", "/unsubscribe", 404),
    ("GET", "/unsubscribe?token=a&token=b", 404), ("GET", "/unsubscribe?token=%3Cb%3E", 404),
    ("DELETE", "/unsubscribe?token=x", 405), ("POST", "/healthz", 405),
    ("GET", "/healthz", 200),
])
def test_paths_and_methods(site: Site, method: str, path: str, status: int) -> None:
    # two routes; everything else 404, another method on a route 405
    data = ONE_CLICK if method == "POST" else None
    assert call(site.url + path, data, method=method)[0] == status


def test_paths_may_keep_the_base_urls_path(tmp_path: Path) -> None:
    # base_url https://example.org/ftm: the proxy may pass /ftm/unsubscribe on unchanged
    for s in start_site(tmp_path, network={"base_url": "https://example.org/ftm"}):
        ann, token = active_member(s.app, "ann@example.org")
        assert call(f"{s.url}/ftm/unsubscribe?token={token}")[0] == 200
        assert call(f"{s.url}/other/unsubscribe?token={token}")[0] == 404
        assert call(f"{s.url}/ftm/unsubscribe?token={token}", ONE_CLICK)[0] == 200
        assert members.get(s.db, ann).state == "left"  # type: ignore[union-attr]


def test_a_multipart_one_click_body_works(site: Site) -> None:
    # RFC 8058 allows multipart/form-data as well as urlencoded
    ann, token = active_member(site.app, "ann@example.org")
    body = (b"--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
            b"One-Click\r\n--b0undary--\r\n")
    status, _, _ = call(f"{site.url}/unsubscribe?token={token}", body,
                        headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
    assert status == 200
    assert members.get(site.db, ann).state == "left"  # type: ignore[union-attr]


def test_bodies_are_bounded(site: Site) -> None:
    # no body without a length, none longer than the bound, none without the RFC's field
    ann, token = active_member(site.app, "ann@example.org")
    target = f"/unsubscribe?token={token}"
    big = raw_request(site, f"POST {target} HTTP/1.1\r\nHost: x\r\n"
                            "Content-Length: 10000000\r\n\r\n")
    assert big.startswith(b"HTTP/1.0 413 ")
    unsized = raw_request(site, f"POST {target} HTTP/1.1\r\nHost: x\r\n\r\n")
    assert unsized.startswith(b"HTTP/1.0 411 ")
    chunked = raw_request(site, f"POST {target} HTTP/1.1\r\nHost: x\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert chunked.startswith(b"HTTP/1.0 411 ")
    assert one_click(site, token, b"List-Unsubscribe=Yes")[0] == 400
    assert one_click(site, token, b"&".join([b"a=1"] * 50))[0] == 400
    assert members.get(site.db, ann).state == "active"  # type: ignore[union-attr]


def test_a_busy_store_answers_503_with_retry_after(tmp_path: Path) -> None:
    # another writer holds the lock past the busy timeout: 503 and Retry-After, nothing
    # half-done; once it lets go, the same POST works
    for s in start_site(tmp_path, store={"busy_timeout_ms": 50}):
        ann, token = active_member(s.app, "ann@example.org")
        other = open_db(s.app.settings.store.path)
        other.conn.execute("BEGIN IMMEDIATE")
        try:
            status, headers, _ = one_click(s, token)
        finally:
            other.conn.execute("ROLLBACK")
        assert status == 503 and int(headers["Retry-After"]) > 0
        assert members.get(s.db, ann).state == "active"  # type: ignore[union-attr]
        assert one_click(s, token)[0] == 200
        assert members.get(s.db, ann).state == "left"  # type: ignore[union-attr]


def test_no_token_reaches_the_log(site: Site, caplog: pytest.LogCaptureFixture,
                                  capfd: pytest.CaptureFixture[str]) -> None:
    # every kind of request, at DEBUG: the log (and stderr, where http.server writes its
    # own lines) names routes and outcomes, never a token
    caplog.set_level(logging.DEBUG)
    _, token = active_member(site.app, "ann@example.org")
    call(f"{site.url}/unsubscribe?token={token}")
    one_click(site, token)
    one_click(site, token)
    call(f"{site.url}/nowhere?token={token}")
    bad = raw_request(site, f"GET /unsubscribe?token={token} extra HTTP/1.1\r\n\r\n")
    assert bad.startswith(b"HTTP/1.0 400 ")
    brew = raw_request(site, f"BREW /unsubscribe?token={token} HTTP/1.1\r\n\r\n")
    assert brew.startswith(b"HTTP/1.0 501 ")
    assert "one-click unsubscribe outcome=" in caplog.text
    assert token not in caplog.text
    assert token not in capfd.readouterr().err
    assert "connection failed" not in caplog.text


def test_a_crash_is_500_and_its_log_hides_the_token(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the leave raises with the token in its message: 500, logged with the token blanked
    def crash(token: str) -> Any:
        raise RuntimeError(f"broken while handling {token}")

    page = Renderer().page
    server = WebServer(WebConfig(port=0), crash, page)
    host, port = server.start()
    stop = threading.Event()
    thread = threading.Thread(target=server.run_forever, args=(stop,), daemon=True)
    thread.start()
    token = tokens.new_token()
    try:
        status, _, body = call(f"http://{host}:{port}/unsubscribe?token={token}", ONE_CLICK)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert status == 500 and token not in body
    assert "broken while handling <token>" in caplog.text and token not in caplog.text


def test_a_list_mail_link_works_end_to_end(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # a hub notice reaches SMTP with List-Unsubscribe; POSTing to its https URL (here on
    # loopback, as the proxy would) makes the member leave and a "you have left" mail go
    for s in start_site(tmp_path, smtp={"port": smtp_server.port},
                        network={"base_url": "https://ftm.example.org"}):
        ann, _ = active_member(s.app, "ann@example.org")
        m = members.get(s.db, ann)
        assert m is not None
        with transaction(s.db):
            enqueue(s.db, OutgoingMail("hub/notice", m.email, m.name, {
                "subject": "Meeting", "body": "Come along."}, kind="list", member_id=ann,
                hub_id=m.hub_id), utcnow())
        mailing.outbox_deliverer(s.app).flush()
        # the confirmation, the welcome, the secretary's notice, then the hub notice
        notice = smtp_server.sent_messages(4)[-1]
        assert notice.message["List-Id"] and notice.rcpt_tos == ["ann@example.org"]
        assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https = [u.strip(" <>") for u in str(notice.message["List-Unsubscribe"]).split(",")
                 if "https://" in u][0]
        link = urlsplit(https)
        assert link.netloc == "ftm.example.org"
        assert one_click(s, link.query.removeprefix("token="))[0] == 200
        assert members.get(s.db, ann).state == "left"  # type: ignore[union-attr]
        mailing.outbox_deliverer(s.app).flush()
        left = smtp_server.sent_messages(5)[-1]
        assert left.rcpt_tos == ["ann@example.org"]
        assert "You have left" in str(left.message["Subject"])


def test_every_web_page_is_documented_and_renders() -> None:
    # the built-in pages render with the variables templates/README.md gives them
    readme = (BUILTIN / "README.md").read_text()
    pages = sorted(p.stem for p in (BUILTIN / "web").glob("[!_]*.html"))
    assert pages == ["link-used", "unsubscribe", "unsubscribed"]
    network = {"name": "For the Many", "address": "n@example.org",
               "help_contact": "help@example.org", "base_url": ""}
    for name in pages:
        assert f"`web/{name}`" in readme, f"web/{name} is not in templates/README.md"
        html = Renderer().page(f"web/{name}", {"network": network, "token": "T" * 24})
        assert "help@example.org" in html and "<title>" in html
