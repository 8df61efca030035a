"""Building the inner rooms' small config values from the settings: one place, no globals."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from ftm.app import App
from ftm.contexts import inbox_context
from ftm.sections import WEEKDAYS
from ftm.settings import ConfigError, Settings
from inbox.process import Processing
from lists.clock import utcnow
from lists.policy import Policy
from lists.principles import Principles, PrinciplesError, parse_principles


def load_principles(s: Settings) -> Principles:
    """The deployment's principles file, parsed; a missing or empty one is a config error."""
    path = Path(s.paths.principles_file)
    try:
        return parse_principles(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"[paths] principles_file: {path} does not exist "
                          "(ftm init DIR writes one)") from None
    except PrinciplesError as e:
        raise ConfigError(f"[paths] principles_file: {path}: {e}") from None


def policy(app: App) -> Policy:
    s = app.settings
    return Policy(address=s.network.address, delimiter=s.network.delimiter,
                  principles=load_principles(s), suppression_key=app.secret_key(),
                  token_ttl=timedelta(days=s.limits.token_ttl_days),
                  replies_per_day=s.limits.replies_per_address_per_day,
                  signups_per_hour=s.limits.signups_per_hour,
                  signups_per_sender_per_day=s.limits.signups_per_sender_per_day,
                  trust_dkim_for_join=s.auth.trust_dkim_for_join,
                  timezone=s.network.timezone,
                  approval_ttl=timedelta(days=s.lists.approval_ttl_days),
                  digest_hour=s.lists.digest_hour,
                  digest_weekday=WEEKDAYS.index(s.lists.digest_weekday),
                  reminder_hour=s.lists.event_reminder_hour,
                  hard_bounces_to_disable=s.limits.hard_bounces_to_disable)


def processing(app: App) -> Processing:
    """Everything ``inbox.process.process`` needs, from the app's settings."""
    ctx = replace(inbox_context(app.settings, utcnow()), key=app.secret_key())
    return Processing(context=ctx, policy=policy(app))
