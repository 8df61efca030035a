"""Importing a membership list: a plan first, then, with apply, the new members in one transaction.

``import_members(db, file, now, policy, options, apply=False)`` checks each row of a
``MemberFile`` (``lists.memberfile``) against the store and returns an ``ImportPlan``:
who is new, and for every other row its line and why it is skipped (``PROBLEMS``):

=========  ===========================================================================
address    not a usable email address (email-validator's rules, no DNS), or our own
erased     the address asked to be erased: never added again (the suppression hash)
member     already in the store, in any state: nobody doubled, nobody who left re-added
duplicate  the same address as an earlier line
postcode   not a UK postcode (``InvalidPostcode``'s reason)
hub        the hub column names a hub the store does not have, or has deactivated
=========  ===========================================================================

With *apply* the plan is made inside the write transaction and carried out there, all
or nothing, in one of two ways:

* ``invite`` (the default): each new person becomes *pending* through
  ``lists.membership.invite``, the code a join by email goes through, and is queued the
  same confirmation mail (or, without a postcode, the request for one) through the
  ``Replier``, with its suppression check and per-address cap. They become active only
  when they confirm. At most ``max_invites`` are invited in one run; the rest are left
  for a later run of the same file (those already invited are then "already a member").
* ``active``: the commitment was collected elsewhere (paper forms). Members are active
  at once and routed by postcode as a confirmed member is, with a consent record whose
  method is ``import`` and whose note says how it was collected. No mail goes to them
  unless ``welcome``; each hub's membership secretary gets one summary
  (``officer/members-imported``) rather than a mail per member, as ``ftm hubs sync``
  tells them of moved members.

The hub column only checks: members belong to the hub their postcode is in (``ftm hubs
sync`` would move them there anyway), so a hub that differs is noted, not obeyed.
Every imported member gets an audit row by ``ACTOR`` that names no one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlite_utils

from lists import members, membership
from lists.addresses import InvalidAddress, check_address
from lists.clock import iso
from lists.memberfile import FileRow, MemberFile
from lists.policy import Policy
from lists.postcodes import InvalidPostcode, parse_postcode
from lists.replies import Replier
from lists.routing import CoverageIndex, RouteDecision, load_index, route
from lists.store import transaction

ACTOR = "ftm members import"
MODES = ("invite", "active")
# problem kinds, in the order they are checked, with a volunteer's words for each
PROBLEMS = {
    "address": "invalid address",
    "erased": "asked to be erased",
    "member": "already a member",
    "duplicate": "duplicate in the file",
    "postcode": "invalid postcode",
    "hub": "unknown hub",
}
LISTED = 200      # members named in one secretary's summary; the rest are counted
CHUNK = 1000      # rows written per executemany, and per progress step

Progress = Callable[[str, int, int], None]    # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the row on *line* is skipped (``kind`` from PROBLEMS), or a remark on an
    imported row (``kind`` ``note``)."""

    line: int
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class Newcomer:
    """A row that becomes a member: its address, name, canonical postcode, and the hub
    its postcode routes to (None: unassigned) with the rule that decided."""

    line: int
    email: str
    name: str | None
    postcode: str | None
    hub: str | None
    rule: str


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to import: ``invite`` or ``active`` (which needs *note*), and for ``active``
    whether to send the hub's welcome; *max_invites* caps one run's invitations."""

    mode: str = "invite"
    note: str | None = None
    welcome: bool = False
    max_invites: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.mode == "active" and not (self.note or "").strip():
            raise ValueError("an active import needs a note saying how the members' "
                             "commitment to the principles was collected")
        if self.mode != "active" and (self.note or self.welcome):
            raise ValueError("a consent note and the welcome go with an active import only")


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do (``applied`` False) or did (True)."""

    mode: str
    rows: int
    new: tuple[Newcomer, ...]         # imported (or to be)
    later: tuple[Newcomer, ...]       # new, but over this run's invitation limit
    problems: tuple[Problem, ...]     # skipped rows, by line
    notes: tuple[Problem, ...]        # imported rows with a remark
    applied: bool = False
    mails: int = 0                    # outbox rows queued
    held_back: tuple[str, ...] = ()   # mail the Replier would not queue, and why

    def counts(self) -> dict[str, int]:
        """Skipped rows per problem kind, in PROBLEMS order, kinds with none left out."""
        got = Counter(p.kind for p in self.problems)
        return {kind: got[kind] for kind in PROBLEMS if got[kind]}

    def by_hub(self) -> dict[str | None, int]:
        """New members per hub their postcode routes to (None: unassigned)."""
        return dict(Counter(n.hub for n in self.new))


def import_members(db: sqlite_utils.Database, file: MemberFile, now: datetime,
                   policy: Policy, options: ImportOptions, apply: bool = False,
                   progress: Progress | None = None) -> ImportPlan:
    """Plan the import of *file*; with *apply*, make it in one transaction (module docstring).

    *progress*, if given, is called as ``progress(stage, done, total)``, the stage being
    ``checking`` or ``importing``.
    """
    if not apply:
        return plan_import(db, file, policy, options, progress)
    with transaction(db):
        plan = plan_import(db, file, policy, options, progress)
        if plan.mode == "invite":
            mails, held = _invite(db, plan.new, now, policy, progress)
        else:
            mails, held = _activate(db, plan.new, now, policy, options, progress)
        return replace(plan, applied=True, mails=mails, held_back=tuple(held))


def plan_import(db: sqlite_utils.Database, file: MemberFile, policy: Policy,
                options: ImportOptions, progress: Progress | None = None) -> ImportPlan:
    """Check every row against the store; changes nothing."""
    index = load_index(db)
    hubs = {str(slug): (bool(active), str(name)) for slug, active, name in db.execute(
        "SELECT slug, active, name FROM hubs")}
    seen: dict[str, int] = {}
    new: list[Newcomer] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    total = len(file.rows)
    for done, row in enumerate(file.rows, start=1):
        checked = _check(db, row, policy, hubs, index, seen, options.mode)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            new.append(checked[0])
            notes += checked[1]
        _tick(progress, "checking", done, total)
    later: list[Newcomer] = []
    if options.mode == "invite" and options.max_invites is not None \
            and len(new) > options.max_invites:
        new, later = new[:options.max_invites], new[options.max_invites:]
        cut = {n.line for n in later}
        notes = [n for n in notes if n.line not in cut]
    return ImportPlan(options.mode, total, tuple(new), tuple(later), tuple(problems),
                      tuple(notes))


def _check(db: sqlite_utils.Database, row: FileRow, policy: Policy,
           hubs: dict[str, tuple[bool, str]], index: CoverageIndex, seen: dict[str, int],
           mode: str) -> Problem | tuple[Newcomer, list[Problem]]:
    """The row's first problem, in PROBLEMS order; else the newcomer and any remarks."""
    line = row.line
    if not row.email:
        return Problem(line, "address", "no email address on this line")
    try:
        email = check_address(row.email)
    except InvalidAddress as e:
        return Problem(line, "address", f"{row.email!r} is not an email address: {e.reason}")
    if _ours(email, policy):
        return Problem(line, "address", f"{email} is the network's own address")
    if members.is_suppressed(db, email, policy.suppression_key):
        return Problem(line, "erased", "this address asked to be erased, so it is never "
                                       "added again: delete the row from your spreadsheet")
    held = _held(db, email)
    if held:
        return Problem(line, "member", held)
    first = seen.setdefault(email.casefold(), line)
    if first != line:
        return Problem(line, "duplicate", f"the same address as line {first}")
    decision = RouteDecision(None, "no postcode known", None)
    postcode = None
    if row.postcode:
        try:
            parsed = parse_postcode(row.postcode)
        except InvalidPostcode as e:
            return Problem(line, "postcode", f"{row.postcode!r} is not a UK postcode: "
                                             f"{e.reason}")
        decision, postcode = route(parsed, index), parsed.canonical
    if row.hub and row.hub not in hubs:
        return Problem(line, "hub", _unknown_hub(row.hub, hubs))
    if row.hub and not hubs[row.hub][0]:
        return Problem(line, "hub", f"hub {row.hub!r} has been deactivated (it is no longer "
                                    "in the hubs file)")
    notes = []
    if postcode is None:
        notes.append(Problem(line, "note", "no postcode: " + (
            "the invitation asks them for it" if mode == "invite"
            else "on the national list, in no hub, until they give one")))
    if row.hub and row.hub != decision.hub_slug:
        notes.append(Problem(line, "note", f"the file says hub {row.hub}, but members belong "
                                           f"to the hub of their postcode: {decision.rule}"))
    return Newcomer(line, email, row.name, postcode, decision.hub_slug, decision.rule), notes


def _ours(email: str, policy: Policy) -> bool:
    """The network's own address, or one of its sub-addresses (``network+anything@``)."""
    local, _, domain = email.casefold().rpartition("@")
    own_local, _, own_domain = policy.address.casefold().rpartition("@")
    return domain == own_domain and local.split(policy.delimiter)[0] == own_local


def _unknown_hub(text: str, hubs: dict[str, tuple[bool, str]]) -> str:
    named = [slug for slug, (_, name) in hubs.items() if name.casefold() == text.casefold()]
    if named:
        return f"{text!r} is a hub's name: the hub column takes its slug, {named[0]}"
    return f"there is no hub {text!r} (`ftm hubs list` shows the slugs)"


STATES = {    # how a member already in the store is described, after "already a member: "
    "active": "active, {hub}",
    "pending": "pending since {since} (signed up, not confirmed yet)",
    "disabled": "disabled (mail to them bounced too often), {hub}",
    "left": "left on {left}, so not added again (they can rejoin by email)",
    "expired": "expired (signed up on {since}, never confirmed), so not added again (they "
               "can join by email)",
}


def _held(db: sqlite_utils.Database, email: str) -> str | None:
    """Why the store already has *email*, in its state's words; None when it has not."""
    row = db.execute(
        "SELECT m.state, h.slug, m.created_at, m.left_at FROM members m "
        "LEFT JOIN hubs h ON h.id = m.hub_id WHERE m.email = ? COLLATE NOCASE",
        [email]).fetchone()
    if row is None:
        return None
    state, slug, since, left = row
    return STATES[state].format(hub=f"in hub {slug}" if slug else "in no hub",
                                since=since[:10], left=(left or since)[:10])


def _tick(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done % CHUNK == 0 or done == total):
        progress(stage, done, total)


def _invite(db: sqlite_utils.Database, new: Sequence[Newcomer], now: datetime,
            policy: Policy, progress: Progress | None) -> tuple[int, list[str]]:
    r = Replier(db, now, policy.replies_per_day, policy.suppression_key)
    for done, n in enumerate(new, start=1):
        membership.invite(db, n.email, n.name, n.postcode, now, policy, r, actor=ACTOR)
        _tick(progress, "importing", done, len(new))
    return len(r.queued), r.held_back


MEMBER_INSERT = (
    "INSERT INTO members (email, name, postcode, kind, state, hub_id, route_rule, created_at, "
    "updated_at, confirmed_at) VALUES (?, ?, ?, 'person', 'active', ?, ?, ?, ?, ?)")


def _activate(db: sqlite_utils.Database, new: Sequence[Newcomer], now: datetime,
              policy: Policy, options: ImportOptions,
              progress: Progress | None) -> tuple[int, list[str]]:
    """Active members, their consents and audit rows, a chunk at a time; then the mail."""
    hub_ids = {str(slug): int(hid) for hid, slug in db.execute("SELECT id, slug FROM hubs")}
    at = iso(now)
    ids: list[int] = []
    for start in range(0, len(new), CHUNK):
        chunk = new[start:start + CHUNK]
        last = db.execute("SELECT coalesce(max(id), 0) FROM members").fetchone()[0]
        db.conn.executemany(MEMBER_INSERT, [
            (n.email, n.name, n.postcode, hub_ids[n.hub] if n.hub else None, n.rule, at, at, at)
            for n in chunk])
        made = {str(e).casefold(): int(i) for i, e in db.execute(
            "SELECT id, email FROM members WHERE id > ?", [last])}
        chunk_ids = [made[n.email.casefold()] for n in chunk]
        db.conn.executemany(members.CONSENT_INSERT, [
            (mid, policy.principles.version, None, "import", at, options.note)
            for mid in chunk_ids])
        db.conn.executemany(members.AUDIT_INSERT, [
            (at, ACTOR, "imported", mid, json.dumps(
                {"consent": "import", "has_postcode": n.postcode is not None, "hub": n.hub,
                 "state": "active"}, sort_keys=True))
            for mid, n in zip(chunk_ids, chunk, strict=True)])
        ids += chunk_ids
        _tick(progress, "importing", start + len(chunk), len(new))
    r = Replier(db, now, policy.replies_per_day, policy.suppression_key)
    hubs = {hid: membership.hub_info(db, hid) for hid in {hub_ids[n.hub] for n in new if n.hub}}
    if options.welcome:
        for mid in ids:
            m = members.get(db, mid)
            if m is not None:
                membership.welcome(m, hubs.get(m.hub_id) if m.hub_id else None, r)
    _tell_secretaries(new, hub_ids, hubs, options, r)
    return len(r.queued), r.held_back


def _tell_secretaries(new: Sequence[Newcomer], hub_ids: dict[str, int],
                      hubs: dict[int, dict[str, Any] | None], options: ImportOptions,
                      r: Replier) -> None:
    """One summary per hub to its membership secretary (else secretary, else chair)."""
    by_hub: dict[str, list[Newcomer]] = defaultdict(list)
    for n in new:
        if n.hub:
            by_hub[n.hub].append(n)
    for slug, joined in sorted(by_hub.items()):
        hub = hubs.get(hub_ids[slug])
        if not hub:
            continue
        lines = [f"- {n.name or '(no name)'} <{n.email}>, {n.postcode or 'no postcode'}"
                 for n in joined[:LISTED]]
        if len(joined) > LISTED:
            lines.append(f"... and {len(joined) - LISTED} more")
        ctx = {"hub_name": hub["name"], "hub_slug": slug, "count": len(joined),
               "note": options.note, "welcomed": options.welcome,
               "members": "\n".join(lines)}
        for addr in hub["secretaries"]:
            r.notify(addr, "officer/members-imported", ctx, None, hub["id"])
