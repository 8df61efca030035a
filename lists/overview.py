"""How the deployment is doing, in one look: what ``ftm status`` prints.

Read-only counts from the store: members by state, the inbox over the last day, the
review queue, the outbox and bulk sends, the relay's rolling quota, upcoming events,
and the newest backup. Each part is a plain dict, so ``ftm status --json`` can print
it as it is and a monitoring script can read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from lists import relays
from lists.backup import PREFIX, SUFFIX
from lists.clock import iso

DAY = timedelta(days=1)
BACKUP_OLD = timedelta(days=2)   # a newest backup older than this is worth a warning


def overview(db: sqlite_utils.Database, now: datetime, relay: str, quota: int,
             backups: Path | None = None) -> dict[str, Any]:
    """Everything ``ftm status`` shows, and the warnings a volunteer should act on."""
    out: dict[str, Any] = {
        "members": _members(db),
        "inbox": _inbox(db, now),
        "review": _review(db, now),
        "outbox": _outbox(db, now),
        "sends": _sends(db),
        "relay": _relay(db, relay, quota, now),
        "events": _events(db, now),
        "backup": _backup(backups, now),
    }
    out["warnings"] = list(warnings(out))
    return out


def _count(db: sqlite_utils.Database, sql: str, params: Iterable[object] = ()) -> int:
    return int(db.execute(sql, list(params)).fetchone()[0])


def _members(db: sqlite_utils.Database) -> dict[str, int]:
    by_state = {r[0]: r[1] for r in db.execute("SELECT state, count(*) FROM members "
                                               "GROUP BY state")}
    return {"active": by_state.get("active", 0), "pending": by_state.get("pending", 0),
            "left": by_state.get("left", 0), "disabled": by_state.get("disabled", 0),
            "expired": by_state.get("expired", 0),
            "unassigned": _count(db, "SELECT count(*) FROM members WHERE state = 'active' "
                                     "AND hub_id IS NULL")}


def _inbox(db: sqlite_utils.Database, now: datetime) -> dict[str, Any]:
    last = db.execute("SELECT received_at FROM inbound_messages ORDER BY id DESC LIMIT 1"
                      ).fetchone()
    folders = {r[0]: r[1] for r in db.execute(
        "SELECT folder, count(*) FROM inbound_messages WHERE received_at > ? GROUP BY folder",
        [iso(now - DAY)])}
    return {"last_message_at": last[0] if last else None, "last_day": folders}


def _review(db: sqlite_utils.Database, now: datetime) -> dict[str, Any]:
    row = db.execute("SELECT count(*), min(created_at) FROM review_items "
                     "WHERE resolved_at IS NULL").fetchone()
    return {"open": int(row[0]), "oldest_at": row[1]}


def _outbox(db: sqlite_utils.Database, now: datetime) -> dict[str, int]:
    by_state = {r[0]: r[1] for r in db.execute(
        "SELECT state, count(*) FROM outbox WHERE state IN ('queued', 'sending') "
        "GROUP BY state")}
    return {"waiting": sum(by_state.values()),
            "due_now": _count(db, "SELECT count(*) FROM outbox WHERE state = 'queued' "
                                  "AND next_attempt_at <= ?", [iso(now)]),
            "failed_last_day": _count(db, "SELECT count(*) FROM outbox WHERE state = 'failed' "
                                          "AND created_at > ?", [iso(now - DAY)])}


def _sends(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(
        "SELECT s.id, s.kind, s.subject, s.total, "
        "(SELECT count(*) FROM deliveries d WHERE d.send_id = s.id AND d.state = 'sent') "
        "AS delivered, (SELECT count(*) FROM deliveries d WHERE d.send_id = s.id "
        "AND d.state = 'failed') AS failed FROM sends s WHERE s.state = 'sending' ORDER BY s.id")]


def _relay(db: sqlite_utils.Database, relay: str, quota: int, now: datetime) -> dict[str, Any]:
    used = relays.used(db, relay, now)
    full = used >= quota
    return {"used_last_24h": used, "quota": quota,
            "next_allowed_at": iso(relays.next_allowed_at(db, relay, quota, now)) if full
            else None}


def _events(db: sqlite_utils.Database, now: datetime) -> dict[str, int]:
    return {"next_7_days": _count(db, "SELECT count(*) FROM events WHERE state = 'scheduled' "
                                      "AND starts_at > ? AND starts_at <= ?",
                                  [iso(now), iso(now + timedelta(days=7))]),
            "awaiting_approval": _count(db, "SELECT count(*) FROM events "
                                            "WHERE state = 'awaiting' AND starts_at > ?",
                                        [iso(now)])}


def _backup(folder: Path | None, now: datetime) -> dict[str, Any]:
    """The newest dated backup in *folder* (``ftm db backup``'s default), and whether it is old."""
    found = sorted(p.name for p in folder.glob(f"{PREFIX}*{SUFFIX}")) \
        if folder is not None and folder.is_dir() else []
    if not found:
        return {"folder": str(folder) if folder else None, "newest_at": None, "stale": True}
    stamp = found[-1][len(PREFIX):-len(SUFFIX)]
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=now.tzinfo)
    return {"folder": str(folder), "newest_at": iso(when), "stale": now - when > BACKUP_OLD}


def warnings(o: dict[str, Any]) -> Iterable[str]:
    """What a volunteer should look at, in plain words (nothing when all is well)."""
    review = o["review"]
    if review["open"]:
        yield (f"{review['open']} message(s) wait for a person, the oldest since "
               f"{review['oldest_at'][:16]}: ftm review list")
    if o["members"]["unassigned"]:
        yield (f"{o['members']['unassigned']} active member(s) have no hub: "
               "ftm hubs coverage")
    if o["outbox"]["failed_last_day"]:
        yield (f"{o['outbox']['failed_last_day']} mail(s) failed in the last day: "
               "ftm outbox list")
    if o["relay"]["next_allowed_at"]:
        yield f"the relay's daily quota is used up until {o['relay']['next_allowed_at'][:16]}"
    b = o["backup"]
    if b["newest_at"] is None:
        yield f"no backup in {b['folder']}: ftm db backup (or enable ftm-backup.timer)"
    elif b["stale"]:
        yield f"the newest backup is from {b['newest_at'][:16]}: is ftm-backup.timer running?"
