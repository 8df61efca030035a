"""Single-use tokens bound to an address and an action (unsubscribe, confirm, erase, ...).

A token is ``secrets.token_urlsafe(18)`` (24 URL-safe characters, 144 random bits).
Only its SHA-256 is stored, so a copy of the database cannot be used to act for
anyone. A token is valid for one *action* and one *email*, until ``expires_at``,
and ``redeem`` uses it up. Looking up by hash is a unique-index equality on a
hash of the secret, so timing reveals nothing about the token; the address is
then compared in constant time as well.

    token = issue(db, "unsub", "ann@example.org", now, timedelta(days=60), member_id=3)
    row = redeem(db, token, "unsub", None, now)     # TokenRow, or None if not valid
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from lists.clock import iso, parse

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True, slots=True)
class TokenRow:
    """A token as stored (its secret is never stored, only its hash)."""

    id: int
    action: str
    email: str
    member_id: int | None
    data: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    expires_at: datetime | None = None
    used_at: datetime | None = None


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token, safe in URLs and in the local part of an address."""
    return secrets.token_urlsafe(18)


def issue(db: sqlite_utils.Database, action: str, email: str, now: datetime, ttl: timedelta,
          member_id: int | None = None, data: Mapping[str, Any] | None = None) -> str:
    """Store a new token for *action* on *email*; return the secret (shown once, never stored).

    Joins the caller's transaction.
    """
    token = new_token()
    db.execute(
        "INSERT INTO tokens (token_hash, action, email, member_id, data, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [hash_token(token), action, email, member_id, json.dumps(dict(data or {})), iso(now),
         iso(now + ttl)])
    return token


def issue_many(db: sqlite_utils.Database, action: str,
               people: list[tuple[str, int | None]], now: datetime, ttl: timedelta) -> list[str]:
    """One token per (email, member_id), inserted in one statement; the secrets in order."""
    tokens = [new_token() for _ in people]
    created, expires = iso(now), iso(now + ttl)
    db.conn.executemany(
        "INSERT INTO tokens (token_hash, action, email, member_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(hash_token(t), action, email, member_id, created, expires)
         for t, (email, member_id) in zip(tokens, people, strict=True)])
    return tokens


def _row(r: Mapping[str, Any]) -> TokenRow:
    return TokenRow(id=r["id"], action=r["action"], email=r["email"], member_id=r["member_id"],
                    data=json.loads(r["data"] or "{}"), created_at=parse(r["created_at"]),
                    expires_at=parse(r["expires_at"]),
                    used_at=parse(r["used_at"]) if r["used_at"] else None)


def peek(db: sqlite_utils.Database, token: str, action: str, email: str | None,
         now: datetime) -> TokenRow | None:
    """The token's row if it is valid now for *action* (and *email*, when given); not used up."""
    if not TOKEN_RE.fullmatch(token):
        return None
    rows = list(db.query("SELECT * FROM tokens WHERE token_hash = ?", [hash_token(token)]))
    if not rows:
        return None
    r = rows[0]
    if r["action"] != action or r["used_at"] is not None or r["expires_at"] <= iso(now):
        return None
    if email is not None and not hmac.compare_digest(r["email"].lower().encode(),
                                                     email.strip().lower().encode()):
        return None
    return _row(r)


def redeem(db: sqlite_utils.Database, token: str, action: str, email: str | None,
           now: datetime) -> TokenRow | None:
    """Use the token up: its row if it was valid, else None. Joins the caller's transaction.

    The update is conditional on ``used_at IS NULL``, so two processes redeeming the
    same token at once get one row between them.
    """
    row = peek(db, token, action, email, now)
    if row is None:
        return None
    cur = db.execute("UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
                     [iso(now), row.id])
    if cur.rowcount != 1:
        return None
    return TokenRow(id=row.id, action=row.action, email=row.email, member_id=row.member_id,
                    data=row.data, created_at=row.created_at, expires_at=row.expires_at,
                    used_at=now)


def purge_expired(db: sqlite_utils.Database, now: datetime) -> int:
    """Delete tokens that expired (used or not); return how many."""
    return db.execute("DELETE FROM tokens WHERE expires_at <= ?", [iso(now)]).rowcount


def pending(db: sqlite_utils.Database, email: str, now: datetime) -> dict[str, int]:
    """How many unused, unexpired tokens *email* has, by action (never the tokens)."""
    return {r["action"]: r["n"] for r in db.query(
        "SELECT action, count(*) AS n FROM tokens WHERE email = ? COLLATE NOCASE "
        "AND used_at IS NULL AND expires_at > ? GROUP BY action", [email, iso(now)])}


def revoke(db: sqlite_utils.Database, email: str, action: str | None = None) -> int:
    """Delete the tokens of *email* (for *action*, or all of them); how many went."""
    if action is None:
        cur = db.execute("DELETE FROM tokens WHERE email = ? COLLATE NOCASE", [email])
    else:
        cur = db.execute("DELETE FROM tokens WHERE email = ? COLLATE NOCASE AND action = ?",
                         [email, action])
    return cur.rowcount
