"""The store's schema, only ever changed by the numbered migrations below.

Each migration is a function of the database registered in order with
``MIGRATIONS``; ``apply()`` runs the pending ones at start-up (``ftm db migrate``).
Tables are STRICT, named in plural snake_case, timestamps are ``*_at`` UTC ISO text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("ftm")


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run SQL statements one by one inside the migration's transaction.

    (``executescript`` would COMMIT first, so a crash could leave a migration applied
    but unrecorded.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement[:80]!r}")

@MIGRATIONS(name="0001_initial")
def m0001_initial(db: sqlite_utils.Database) -> None:
    run_script(db, """
    CREATE TABLE hubs (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        list_address TEXT,
        contacts TEXT NOT NULL DEFAULT '{}',        -- JSON: role -> address
        digest TEXT NOT NULL DEFAULT 'weekly' CHECK (digest IN ('daily', 'weekly')),
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE hub_coverage (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
        level TEXT NOT NULL CHECK (level IN ('sector', 'district', 'area', 'region')),
        value TEXT NOT NULL,
        exclude INTEGER NOT NULL DEFAULT 0,
        UNIQUE (hub_id, level, value, exclude)
    ) STRICT;

    CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT,
        postcode TEXT,
        kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'organisation')),
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'active', 'left', 'expired', 'disabled')),
        hub_id INTEGER REFERENCES hubs(id),
        route_rule TEXT,
        delivery TEXT NOT NULL DEFAULT 'each' CHECK (delivery IN ('each', 'digest', 'none')),
        bounce_score REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        confirmed_at TEXT,
        reminded_at TEXT,
        left_at TEXT
    ) STRICT;
    CREATE INDEX members_hub ON members(hub_id, state);
    CREATE INDEX members_state ON members(state);

    CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        principles_hash TEXT NOT NULL,
        message_id TEXT,
        method TEXT NOT NULL,
        given_at TEXT NOT NULL,
        withdrawn_at TEXT
    ) STRICT;

    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        email TEXT NOT NULL COLLATE NOCASE,
        member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
        data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    ) STRICT;
    CREATE INDEX tokens_email ON tokens(email, action);

    CREATE TABLE suppressions (
        id INTEGER PRIMARY KEY,
        email_hash TEXT NOT NULL UNIQUE,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE inbound_messages (
        id INTEGER PRIMARY KEY,
        message_id TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        received_via TEXT NOT NULL,
        from_addr TEXT,
        subject TEXT,
        intent TEXT,
        outcome TEXT,
        reason TEXT,
        member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
        received_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX inbound_from ON inbound_messages(from_addr);

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        template TEXT NOT NULL,
        to_addr TEXT NOT NULL,
        to_name TEXT,
        member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
        hub_id INTEGER REFERENCES hubs(id),
        context TEXT NOT NULL DEFAULT '{}',
        in_reply_to TEXT,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        message_id TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    ) STRICT;
    CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
    CREATE INDEX outbox_to ON outbox(to_addr, created_at);

    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE INDEX audit_member ON audit_log(member_id);
    """)


@MIGRATIONS(name="0002_imap_cursors")
def m0002_imap_cursors(db: sqlite_utils.Database) -> None:
    # Where the IMAP watcher got to in each watched mailbox: a message with a UID at or
    # below last_uid has been processed and filed; a new UIDVALIDITY resets the count.
    run_script(db, """
    CREATE TABLE imap_cursors (
        account TEXT NOT NULL,                      -- user@host:port
        mailbox TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        last_uid INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account, mailbox)
    ) STRICT;
    """)


@MIGRATIONS(name="0002_mailer")
def m0002_mailer(db: sqlite_utils.Database) -> None:
    """Bulk sends with one delivery row per recipient, and the relay's persisted limits."""
    run_script(db, """
    CREATE TABLE sends (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('list', 'bulletin', 'digest')),
        template TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        context TEXT NOT NULL DEFAULT '{}',
        audience TEXT NOT NULL,
        hub_id INTEGER REFERENCES hubs(id),
        requested_by TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'sending'
            CHECK (state IN ('sending', 'done', 'cancelled')),
        total INTEGER NOT NULL DEFAULT 0,
        runner TEXT,
        heartbeat_at TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
    ) STRICT;

    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        send_id INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
        member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
        to_addr TEXT NOT NULL,
        to_name TEXT,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        sent_at TEXT,
        UNIQUE (send_id, to_addr)
    ) STRICT;
    CREATE INDEX deliveries_due ON deliveries(send_id, state, next_attempt_at);
    CREATE INDEX deliveries_member ON deliveries(member_id);

    -- messages handed to each relay, per minute: the rolling 24-hour quota
    CREATE TABLE relay_usage (
        relay TEXT NOT NULL,
        minute TEXT NOT NULL,
        sent INTEGER NOT NULL,
        PRIMARY KEY (relay, minute)
    ) STRICT;

    -- a relay that told us to slow down waits until paused_until
    CREATE TABLE relay_pauses (
        relay TEXT PRIMARY KEY,
        paused_until TEXT NOT NULL,
        reason TEXT NOT NULL,
        strikes INTEGER NOT NULL DEFAULT 1
    ) STRICT;
    """)


@MIGRATIONS(name="0600_inbound_folder_and_review_items")
def m0600_inbound_folder_and_review_items(db: sqlite_utils.Database) -> None:
    run_script(db, """
    ALTER TABLE inbound_messages ADD COLUMN folder TEXT NOT NULL DEFAULT 'processed';
    -- from_addr is who sent it; about_addr whom it is about when that differs (a
    -- signup for someone else, a bounce's failed recipient)
    ALTER TABLE inbound_messages ADD COLUMN about_addr TEXT;
    CREATE INDEX inbound_about ON inbound_messages(about_addr COLLATE NOCASE);
    -- addresses are compared without case: indexes that such queries can use
    CREATE INDEX inbound_from_nocase ON inbound_messages(from_addr COLLATE NOCASE, received_at);
    CREATE INDEX outbox_to_nocase ON outbox(to_addr COLLATE NOCASE, created_at);
    CREATE INDEX members_created ON members(created_at);

    -- Messages a person must decide on, kept whole so nothing is lost even when no
    -- IMAP folder holds them (mail handed over by `ftm deliver` or the receiver).
    CREATE TABLE review_items (
        id INTEGER PRIMARY KEY,
        inbound_id INTEGER NOT NULL REFERENCES inbound_messages(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        raw BLOB NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
    ) STRICT;
    CREATE INDEX review_open ON review_items(resolved_at);
    """)


@MIGRATIONS(name="0800_hub_lists")
def m0800_hub_lists(db: sqlite_utils.Database) -> None:
    """Officers and the steering group, events, hub posts, digests, bulletins (#8)."""
    run_script(db, """
    -- Who holds which role. hub_id NULL with role 'steering' is the steering group.
    -- A row is one term: ended_at is set when the holder stands down (kept, so the
    -- 12-month term and 12-month stand-down can be enforced later).
    CREATE TABLE officers (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER REFERENCES hubs(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('chair', 'secretary', 'membership_secretary',
            'campaigns_coordinator', 'treasurer', 'representative', 'steering')),
        email TEXT NOT NULL COLLATE NOCASE,
        name TEXT,
        source TEXT NOT NULL DEFAULT 'cli' CHECK (source IN ('cli', 'hubs-file')),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        CHECK ((role = 'steering') = (hub_id IS NULL))
    ) STRICT;
    CREATE UNIQUE INDEX officers_current ON officers(coalesce(hub_id, 0), role, email)
        WHERE ended_at IS NULL;
    CREATE INDEX officers_email ON officers(email, ended_at);
    -- the contacts the hubs file named so far hold their roles from now on
    INSERT INTO officers (hub_id, role, email, source, started_at)
        SELECT h.id, j.key, j.value, 'hubs-file', h.updated_at
        FROM hubs h, json_each(h.contacts) j
        WHERE h.active = 1 AND j.type = 'text' AND j.key IN ('chair', 'secretary',
            'membership_secretary', 'campaigns_coordinator', 'treasurer', 'representative');

    -- A send made for a bulletin, event, post or digest names it here, once.
    ALTER TABLE sends ADD COLUMN origin TEXT;
    CREATE UNIQUE INDEX sends_origin ON sends(origin) WHERE origin IS NOT NULL;

    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER NOT NULL REFERENCES hubs(id),
        uid TEXT NOT NULL UNIQUE,                   -- the iCalendar UID, stable
        title TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '',
        local_date TEXT NOT NULL,                   -- YYYY-MM-DD in the network's time zone
        local_start TEXT NOT NULL,                  -- HH:MM
        local_end TEXT,
        timezone TEXT NOT NULL,
        starts_at TEXT NOT NULL,                    -- the same instant in UTC
        venue TEXT NOT NULL,
        venue_postcode TEXT,
        organiser TEXT NOT NULL COLLATE NOCASE,
        state TEXT NOT NULL DEFAULT 'awaiting'
            CHECK (state IN ('awaiting', 'scheduled', 'rejected', 'expired')),
        message_id TEXT,
        send_id INTEGER REFERENCES sends(id),
        reminder_send_id INTEGER REFERENCES sends(id),
        reminded_at TEXT,
        created_at TEXT NOT NULL,
        approved_at TEXT
    ) STRICT;
    CREATE INDEX events_hub ON events(hub_id, state, starts_at);

    CREATE TABLE event_rsvps (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
        email TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        UNIQUE (event_id, email)
    ) STRICT;

    CREATE TABLE hub_posts (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER NOT NULL REFERENCES hubs(id),
        from_addr TEXT NOT NULL COLLATE NOCASE,
        from_name TEXT,
        member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        message_id TEXT,
        state TEXT NOT NULL
            CHECK (state IN ('confirming', 'held', 'approved', 'rejected', 'expired')),
        decided_by TEXT,
        decided_at TEXT,
        send_id INTEGER REFERENCES sends(id),
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX hub_posts_hub ON hub_posts(hub_id, state);

    -- One row per digest made for a hub; each event or post goes in one digest only.
    CREATE TABLE digests (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER NOT NULL REFERENCES hubs(id),
        send_id INTEGER REFERENCES sends(id),
        items INTEGER NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX digests_hub ON digests(hub_id, created_at);
    CREATE TABLE digest_items (
        digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
        item TEXT NOT NULL CHECK (item IN ('event', 'post')),
        item_id INTEGER NOT NULL,
        UNIQUE (item, item_id)
    ) STRICT;

    CREATE TABLE bulletins (
        id INTEGER PRIMARY KEY,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        audience TEXT NOT NULL,
        audience_size INTEGER NOT NULL,
        requested_by TEXT NOT NULL COLLATE NOCASE,
        message_id TEXT,
        state TEXT NOT NULL DEFAULT 'awaiting'
            CHECK (state IN ('awaiting', 'approved', 'rejected', 'expired')),
        send_id INTEGER UNIQUE REFERENCES sends(id),
        reported_pct INTEGER NOT NULL DEFAULT 0,    -- the last progress step reported
        quota_deferred INTEGER NOT NULL DEFAULT 0,  -- most deliveries left waiting for quota
        created_at TEXT NOT NULL,
        approved_at TEXT,
        finished_at TEXT
    ) STRICT;
    """)


@MIGRATIONS(name="0900_event_cancellation")
def m0900_event_cancellation(db: sqlite_utils.Database) -> None:
    """Events can be called off: state ``cancelled``, when, and the send that told members.

    SQLite cannot change a CHECK constraint in place, and with foreign keys on,
    dropping ``events`` would orphan its ``event_rsvps``; so both are rebuilt inside
    the migration's transaction and renamed back (the rename updates the reference).
    """
    run_script(db, """
    CREATE TABLE events_new (
        id INTEGER PRIMARY KEY,
        hub_id INTEGER NOT NULL REFERENCES hubs(id),
        uid TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '',
        local_date TEXT NOT NULL,
        local_start TEXT NOT NULL,
        local_end TEXT,
        timezone TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        venue TEXT NOT NULL,
        venue_postcode TEXT,
        organiser TEXT NOT NULL COLLATE NOCASE,
        state TEXT NOT NULL DEFAULT 'awaiting'
            CHECK (state IN ('awaiting', 'scheduled', 'rejected', 'expired', 'cancelled')),
        message_id TEXT,
        send_id INTEGER REFERENCES sends(id),
        reminder_send_id INTEGER REFERENCES sends(id),
        reminded_at TEXT,
        created_at TEXT NOT NULL,
        approved_at TEXT,
        cancelled_at TEXT,
        cancel_send_id INTEGER REFERENCES sends(id)
    ) STRICT;
    INSERT INTO events_new (id, hub_id, uid, title, details, local_date, local_start, local_end,
        timezone, starts_at, venue, venue_postcode, organiser, state, message_id, send_id,
        reminder_send_id, reminded_at, created_at, approved_at)
    SELECT id, hub_id, uid, title, details, local_date, local_start, local_end, timezone,
        starts_at, venue, venue_postcode, organiser, state, message_id, send_id,
        reminder_send_id, reminded_at, created_at, approved_at FROM events;
    CREATE TABLE event_rsvps_new (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events_new(id) ON DELETE CASCADE,
        member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
        email TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        UNIQUE (event_id, email)
    ) STRICT;
    INSERT INTO event_rsvps_new SELECT id, event_id, member_id, email, created_at
        FROM event_rsvps;
    DROP TABLE event_rsvps;
    DROP TABLE events;
    ALTER TABLE events_new RENAME TO events;
    ALTER TABLE event_rsvps_new RENAME TO event_rsvps;
    CREATE INDEX events_hub ON events(hub_id, state, starts_at);
    """)


@MIGRATIONS(name="1000_members_import")
def m1000_members_import(db: sqlite_utils.Database) -> None:
    """A consent's note (how an imported member's commitment was collected), and an index
    for counting signups made by mail apart from imported ones."""
    run_script(db, """
    ALTER TABLE consents ADD COLUMN note TEXT;
    CREATE INDEX audit_action ON audit_log(action, actor, at);
    """)


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    applied: list[tuple[str, str]]   # (name, applied_at)
    pending: list[str]


def status(db: sqlite_utils.Database) -> MigrationStatus:
    """Which migrations the database has, and which it still needs."""
    return MigrationStatus(
        applied=[(m.name, m.applied_at) for m in MIGRATIONS.applied(db)],
        pending=[m.name for m in MIGRATIONS.pending(db)],
    )


def apply(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration; return the names applied (empty: up to date)."""
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if pending:
        MIGRATIONS.apply(db)
    return pending
