"""Time as the store writes it: aware UTC datetimes, ISO 8601 text in ``*_at`` columns."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, to the microsecond. Only the edges call this; the core takes ``now``."""
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """``2026-11-25T15:19:44.123456+00:00`` -- sorts as text, parses back with ``parse``."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def parse(text: str) -> datetime:
    """The inverse of ``iso``."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
