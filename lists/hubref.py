"""A hub as the hub lists need it (id, slug, name), and who counts as one of its members."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True, slots=True)
class HubRef:
    id: int
    slug: str
    name: str
    digest: str = "weekly"

    def audience(self, delivery: str | None = None) -> str:
        """The ``lists.sends`` audience of this hub's active members (in one delivery mode)."""
        return f"hub:{self.slug}" + (f", delivery:{delivery}" if delivery else "")

    def template_vars(self) -> dict[str, object]:
        return {"id": self.id, "slug": self.slug, "name": self.name}


def _ref(row: tuple[object, ...] | None) -> HubRef | None:
    if row is None:
        return None
    return HubRef(int(str(row[0])), str(row[1]), str(row[2]), str(row[3]))


def by_slug(db: sqlite_utils.Database, slug: str) -> HubRef | None:
    """The active hub *slug*, or None."""
    return _ref(db.execute("SELECT id, slug, name, digest FROM hubs WHERE slug = ? AND active = 1",
                           [slug]).fetchone())


def by_id(db: sqlite_utils.Database, hub_id: int) -> HubRef | None:
    return _ref(db.execute("SELECT id, slug, name, digest FROM hubs WHERE id = ?",
                           [hub_id]).fetchone())


def active_member_id(db: sqlite_utils.Database, email: str, hub_id: int) -> int | None:
    """The id of *email*'s active membership of the hub, or None."""
    row = db.execute("SELECT id FROM members WHERE email = ? COLLATE NOCASE AND state = 'active' "
                     "AND hub_id = ?", [email, hub_id]).fetchone()
    return int(row[0]) if row else None


def count(db: sqlite_utils.Database, hub_id: int, delivery: str | None = None) -> int:
    """How many active members the hub has (in one delivery mode)."""
    sql = "SELECT count(*) FROM members WHERE hub_id = ? AND state = 'active'"
    params: list[object] = [hub_id]
    if delivery:
        sql += " AND delivery = ?"
        params.append(delivery)
    return int(db.execute(sql, params).fetchone()[0])
