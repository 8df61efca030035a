"""Store clean-up the scheduler runs: rows that have served their purpose and may go."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from lists import tokens
from lists.store import transaction


def purge_expired_tokens(db: sqlite_utils.Database, now: datetime, grace: timedelta) -> int:
    """Delete tokens that expired more than *grace* before *now*; return how many.

    The grace period keeps a just-expired token long enough for a late click or reply
    to be told "this link has expired" rather than "unknown".
    """
    with transaction(db):
        return tokens.purge_expired(db, now - grace)
