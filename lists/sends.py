"""Bulk sends: one ``sends`` row (template, audience, who asked, state) and a delivery each.

The audience is resolved once, when the send is created, into ``deliveries`` rows
(one INSERT ... SELECT), so members who join afterwards are not added and a restart
knows exactly who is left. Deliveries go ``queued`` -> ``sending`` -> ``sent`` |
``failed`` | back to ``queued`` (retry later), like outbox rows.

One process delivers a send at a time: ``acquire()`` records it as the send's
``runner``; a runner that died (its process is gone, or its heartbeat is stale) is
replaced, and the deliveries it had claimed go back to the queue.

Exceptions::

    SendError            a send cannot be created or run
    ├── AudienceError    the audience names no hub/region we know
    └── SendBusy         another live process is delivering this send
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists.clock import iso, parse
from lists.outbox import Result, apply_results
from lists.regions import REGIONS, areas, find_region

SEND_KINDS = ("list", "bulletin", "digest")


class SendError(Exception):
    """A send cannot be created or run; the message says why in one sentence."""


class AudienceError(SendError):
    """The audience is not ``all``, ``hub:SLUG`` or ``region:NAME`` of a known hub or region."""


class SendBusy(SendError):
    """Another process that is still alive delivers this send."""


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a send goes to: the SQL that selects ``(id, email, name)`` of active members."""

    label: str
    sql: str
    params: tuple[Any, ...] = ()
    hub_id: int | None = None


# the postcode area of a member's normalised postcode: its one or two leading letters
_AREA_SQL = ("(CASE WHEN substr(upper(m.postcode), 2, 1) GLOB '[A-Z]' "
             "THEN substr(upper(m.postcode), 1, 2) ELSE substr(upper(m.postcode), 1, 1) END)")


def resolve_audience(db: sqlite_utils.Database, spec: str) -> Audience:
    """``all`` | ``hub:SLUG`` | ``region:NAME``, or several joined by commas -> the members.

    A region (``lists.regions``: "North West", "Scotland", ...) holds the members
    whose postcode area lies in it, whichever hub they belong to. Several hubs or
    regions (``hub:leeds, hub:york``) mean anyone in any of them; a part
    ``delivery:each`` or ``delivery:digest`` keeps only members who chose that way
    of getting their hub's mail (``hub:leeds, delivery:each``).
    """
    base = "SELECT m.id, m.email, m.name FROM members m WHERE m.state = 'active'"
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise AudienceError("the audience is empty: use all, hub:SLUG or region:NAME")
    delivery = [p for p in parts if p.startswith("delivery:")]
    groups = [_group(db, p) for p in parts if not p.startswith("delivery:")]
    if not groups:
        raise AudienceError(f"audience {spec!r} names no hub, region or all")
    sql, params = base, []
    if not any(g.sql == "" for g in groups):
        sql += " AND (" + " OR ".join(g.sql for g in groups) + ")"
        params = [v for g in groups for v in g.params]
    for part in delivery:
        mode = part.partition(":")[2].strip()
        if mode not in ("each", "digest"):
            raise AudienceError(f"{part!r}: delivery is each or digest")
        sql += " AND m.delivery = ?"
        params.append(mode)
    hub_ids = {g.hub_id for g in groups}
    label = "; ".join(g.label for g in groups)
    for part in delivery:
        label += (" who get each message" if part.endswith("each") else
                  " who read the digest")
    return Audience(label, sql, tuple(params),
                    hub_id=hub_ids.pop() if len(hub_ids) == 1 and len(groups) == 1 else None)


def _group(db: sqlite_utils.Database, spec: str) -> Audience:
    """One ``all``/``hub:``/``region:`` part as a condition on ``m`` (``""``: everyone)."""
    if spec == "all":
        return Audience("all active members", "")
    kind, _, value = spec.partition(":")
    value = value.strip()
    if kind.strip() == "hub" and value:
        rows = list(db.query("SELECT id, name FROM hubs WHERE slug = ?", [value]))
        if not rows:
            raise AudienceError(f"no hub with the slug {value!r} (see hubs.toml)")
        return Audience(f"members of {rows[0]['name']}", "m.hub_id = ?", (rows[0]["id"],),
                        hub_id=rows[0]["id"])
    if kind.strip() == "region" and value:
        region = find_region(value)
        if region is None:
            raise AudienceError(f"no region called {value!r}; regions are: "
                                + ", ".join(REGIONS))
        codes = sorted(a.code for a in areas().values() if a.region == region)
        marks = ", ".join("?" for _ in codes)
        return Audience(f"members in {region}", f"{_AREA_SQL} IN ({marks})", tuple(codes))
    raise AudienceError(f"unknown audience {spec!r}: use all, hub:SLUG or region:NAME")


def count_audience(db: sqlite_utils.Database, audience: Audience) -> int:
    """How many members the audience holds right now."""
    row = db.execute(f"SELECT count(*) FROM ({audience.sql})", list(audience.params)).fetchone()
    return int(row[0])


@dataclass(frozen=True, slots=True)
class NewSend:
    """What a send is: template and words, written by a person (data, never template source)."""

    kind: str
    template: str
    subject: str
    body: str
    audience: str
    requested_by: str
    context: Mapping[str, Any] = field(default_factory=dict)
    origin: str | None = None       # "bulletin:7": what the send is for (unique)

    def __post_init__(self) -> None:
        if self.kind not in SEND_KINDS:
            raise SendError(f"unknown send kind {self.kind!r}")


def create(db: sqlite_utils.Database, new: NewSend, now: datetime) -> int:
    """Create the send and one queued delivery per member of its audience; return its id.

    Joins the caller's transaction. Each address gets one delivery, however many
    member rows share it. A second send with the same ``origin`` raises
    ``sqlite3.IntegrityError`` (one send per bulletin, event or post).
    """
    audience = resolve_audience(db, new.audience)
    cur = db.execute(
        "INSERT INTO sends (kind, template, subject, body, context, audience, hub_id, "
        "requested_by, state, created_at, origin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?)",
        [new.kind, new.template, new.subject, new.body, json.dumps(dict(new.context)),
         new.audience, audience.hub_id, new.requested_by, iso(now), new.origin])
    send_id = int(cur.lastrowid or 0)
    db.execute(
        "INSERT OR IGNORE INTO deliveries (send_id, member_id, to_addr, to_name, next_attempt_at)"
        f" SELECT ?, a.id, a.email, a.name, ? FROM ({audience.sql}) a ORDER BY a.id",
        [send_id, iso(now), *audience.params])
    total = db.execute("SELECT count(*) FROM deliveries WHERE send_id = ?", [send_id]).fetchone()
    db.execute("UPDATE sends SET total = ? WHERE id = ?", [int(total[0]), send_id])
    return send_id


@dataclass(frozen=True, slots=True)
class SendRow:
    id: int
    kind: str
    template: str
    subject: str
    body: str
    context: Mapping[str, Any]
    audience: str
    hub_id: int | None
    requested_by: str
    state: str
    total: int
    runner: str | None
    created_at: datetime


def get(db: sqlite_utils.Database, send_id: int) -> SendRow:
    """The send, or SendError when there is none."""
    rows = list(db.query("SELECT * FROM sends WHERE id = ?", [send_id]))
    if not rows:
        raise SendError(f"there is no send {send_id}")
    r = rows[0]
    return SendRow(id=r["id"], kind=r["kind"], template=r["template"], subject=r["subject"],
                   body=r["body"], context=json.loads(r["context"]), audience=r["audience"],
                   hub_id=r["hub_id"], requested_by=r["requested_by"], state=r["state"],
                   total=r["total"], runner=r["runner"], created_at=parse(r["created_at"]))


def acquire(db: sqlite_utils.Database, send_id: int, runner: str, now: datetime,
            alive: Callable[[str], bool], stale: timedelta = timedelta(minutes=5)) -> int:
    """Become the send's runner; return how many claimed deliveries went back to the queue.

    Joins the caller's transaction. Raises SendBusy while another runner is alive
    and its heartbeat is fresh. Deliveries left ``sending`` by a dead runner may have
    been in flight when it died: they are queued again (at-least-once).
    """
    send = get(db, send_id)
    if send.state != "sending":
        raise SendError(f"send {send_id} is {send.state}, nothing to deliver")
    row = db.execute("SELECT heartbeat_at FROM sends WHERE id = ?", [send_id]).fetchone()
    fresh = row[0] is not None and parse(row[0]) > now - stale
    if send.runner and send.runner != runner and fresh and alive(send.runner):
        raise SendBusy(f"send {send_id} is being delivered by {send.runner}")
    db.execute("UPDATE sends SET runner = ?, heartbeat_at = ? WHERE id = ?",
               [runner, iso(now), send_id])
    cur = db.execute("UPDATE deliveries SET state = 'queued' WHERE send_id = ? "
                     "AND state = 'sending'", [send_id])
    return cur.rowcount


def release(db: sqlite_utils.Database, send_id: int, runner: str, now: datetime) -> bool:
    """Stop being the runner; mark the send done when nothing waits. True when it is done."""
    db.execute("UPDATE sends SET runner = NULL WHERE id = ? AND runner = ?", [send_id, runner])
    left = db.execute("SELECT count(*) FROM deliveries WHERE send_id = ? "
                      "AND state IN ('queued', 'sending')", [send_id]).fetchone()[0]
    if left == 0:
        db.execute("UPDATE sends SET state = 'done', finished_at = ? WHERE id = ? "
                   "AND state = 'sending'", [iso(now), send_id])
        return True
    return False


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    member_id: int | None
    to_addr: str
    to_name: str | None
    attempts: int


def claim(db: sqlite_utils.Database, send_id: int, now: datetime, limit: int) -> list[DeliveryRow]:
    """Claim up to *limit* due deliveries in id order; join the caller's transaction."""
    if limit <= 0:
        return []
    rows = db.execute(
        "SELECT id, member_id, to_addr, to_name, attempts FROM deliveries "
        "WHERE send_id = ? AND state = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        [send_id, iso(now), limit]).fetchall()
    if not rows:
        return []
    db.conn.executemany("UPDATE deliveries SET state = 'sending', attempts = attempts + 1 "
                        "WHERE id = ?", [(r[0],) for r in rows])
    db.execute("UPDATE sends SET heartbeat_at = ? WHERE id = ?", [iso(now), send_id])
    return [DeliveryRow(r[0], r[1], r[2], r[3], r[4] + 1) for r in rows]


def record(db: sqlite_utils.Database, send_id: int, results: list[Result], now: datetime,
           heartbeat: bool = True) -> None:
    """Store what became of claimed deliveries; join the caller's transaction."""
    apply_results(db, "deliveries", results, now)
    if heartbeat:
        db.execute("UPDATE sends SET heartbeat_at = ? WHERE id = ?", [iso(now), send_id])


def cancel(db: sqlite_utils.Database, send_id: int, now: datetime) -> int:
    """Cancel what is still queued; return how many deliveries were cancelled."""
    n = db.execute("UPDATE deliveries SET state = 'cancelled' WHERE send_id = ? "
                   "AND state = 'queued'", [send_id]).rowcount
    db.execute("UPDATE sends SET state = 'cancelled', finished_at = ? WHERE id = ? "
               "AND state = 'sending'", [iso(now), send_id])
    return n


@dataclass(frozen=True, slots=True)
class Summary:
    """Where a send stands: counts by state, the commonest failures, the next retry."""

    send_id: int
    total: int
    counts: Mapping[str, int]
    failures: list[tuple[str, int]]
    next_attempt_at: datetime | None

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)

    @property
    def waiting(self) -> int:
        return self.counts.get("queued", 0) + self.counts.get("sending", 0)


def summary(db: sqlite_utils.Database, send_id: int) -> Summary:
    """Counts by state, the ten commonest failure reasons and the next retry time."""
    counts = {r[0]: r[1] for r in db.execute(
        "SELECT state, count(*) FROM deliveries WHERE send_id = ? GROUP BY state", [send_id])}
    failures = [(r[0] or "unknown", r[1]) for r in db.execute(
        "SELECT last_error, count(*) n FROM deliveries WHERE send_id = ? AND state = 'failed' "
        "GROUP BY last_error ORDER BY n DESC LIMIT 10", [send_id])]
    nxt = db.execute("SELECT min(next_attempt_at) FROM deliveries WHERE send_id = ? "
                     "AND state = 'queued'", [send_id]).fetchone()[0]
    return Summary(send_id, sum(counts.values()), counts, failures, parse(nxt) if nxt else None)


def unfinished(db: sqlite_utils.Database) -> list[int]:
    """Ids of sends that still have deliveries to make (what a restart resumes)."""
    return [r[0] for r in db.execute("SELECT id FROM sends WHERE state = 'sending' ORDER BY id")]
