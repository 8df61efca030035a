"""Single-use tokens that prove a person reads mail at an address: confirm, unsub, erase, ...

A token is 128 random bits and more (``secrets.token_urlsafe(18)``: 144 bits), bound
to one address and one action, valid until it expires, usable once. Only its SHA-256
is stored, so the database never holds a usable token; comparison is by hash lookup
plus ``hmac.compare_digest``. Tokens never reach a log: log the row id instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists.clock import iso, parse

# What a token looks like in an address or URL: URL-safe base64, 24 characters.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: int
    action: str
    email: str
    member_id: int | None
    data: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue(db: sqlite_utils.Database, action: str, email: str, now: datetime, ttl: timedelta,
          member_id: int | None = None, data: dict[str, Any] | None = None) -> str:
    """A new token for *action* at *email*; returns the token (store nothing else of it)."""
    token = secrets.token_urlsafe(18)
    db.execute(
        "INSERT INTO tokens (token_hash, action, email, member_id, data, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [_hash(token), action, email, member_id, json.dumps(data or {}), iso(now),
         iso(now + ttl)])
    return token


def _row(r: dict[str, Any]) -> TokenRow:
    return TokenRow(id=r["id"], action=r["action"], email=r["email"], member_id=r["member_id"],
                    data=json.loads(r["data"]), created_at=parse(r["created_at"]),
                    expires_at=parse(r["expires_at"]),
                    used_at=parse(r["used_at"]) if r["used_at"] else None)


def peek(db: sqlite_utils.Database, token: str, action: str, email: str | None,
         now: datetime) -> TokenRow | None:
    """The token's row if it is valid for *action* (and *email*, when given), else None."""
    if not TOKEN_RE.fullmatch(token):
        return None
    digest = _hash(token)
    rows = list(db.query("SELECT * FROM tokens WHERE token_hash = ?", [digest]))
    if not rows:
        return None
    r = rows[0]
    if not hmac.compare_digest(r["token_hash"], digest):
        return None
    row = _row(r)
    if row.action != action or row.used_at is not None or row.expires_at <= now:
        return None
    if email is not None and row.email.casefold() != email.casefold():
        return None
    return row


def redeem(db: sqlite_utils.Database, token: str, action: str, email: str | None,
           now: datetime) -> TokenRow | None:
    """Use the token once: its row if valid (and now marked used), else None."""
    row = peek(db, token, action, email, now)
    if row is None:
        return None
    cur = db.execute("UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
                     [iso(now), row.id])
    return row if cur.rowcount == 1 else None


def pending(db: sqlite_utils.Database, email: str, now: datetime) -> dict[str, int]:
    """How many unused, unexpired tokens *email* has, by action."""
    return {r["action"]: r["n"] for r in db.query(
        "SELECT action, count(*) AS n FROM tokens WHERE email = ? AND used_at IS NULL "
        "AND expires_at > ? GROUP BY action", [email, iso(now)])}


def revoke(db: sqlite_utils.Database, email: str, action: str | None = None) -> int:
    """Delete the unused tokens of *email* (for *action*, or all); how many went."""
    if action is None:
        cur = db.execute("DELETE FROM tokens WHERE email = ?", [email])
    else:
        cur = db.execute("DELETE FROM tokens WHERE email = ? AND action = ?", [email, action])
    return cur.rowcount

