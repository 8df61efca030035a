"""Every intent's table of weighted patterns in one place, gathered from the modules by family.

``inbox.joining`` (join, the wish not to join, organisations), ``inbox.leaving`` (leave,
erase, delivery settings) and ``inbox.asking`` (move, status, help) hold the rows;
this module only names them for ``inbox.reading`` and ``inbox.intent``.
"""

from __future__ import annotations

from inbox.asking import HELP, MOVE, STATUS
from inbox.joining import JOIN, NEGATIONS, NOT_JOINING, ORG, without_not_joining
from inbox.leaving import ERASE, KEEP_MEMBER, LEAVE, SETTINGS

__all__ = ["ERASE", "HELP", "JOIN", "KEEP_MEMBER", "LEAVE", "MOVE", "NEGATIONS", "NOT_JOINING",
           "ORG", "SETTINGS", "STATUS", "without_not_joining"]
