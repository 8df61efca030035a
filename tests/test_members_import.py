"""`ftm members import` and `export` as a volunteer runs them, on a real store and SMTP server."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ftm.app import App
from ftm.cli import cli
from ftm.wiring import policy
from lists import erasure, imports, members, membership
from lists.store import transaction
from tests.listhelp import Network, add_member, deploy, reply_to, text_of
from tests.servers import SmtpServer

HEADER = "Email,Name,Postcode\r\n"
PEOPLE = ("ann@example.org,Ann Lee,L8 1AB\r\n"        # Liverpool South
          "bo@example.org,Bo Khan,l17 6ab\r\n"        # Liverpool South, typed loosely
          "mo@example.org,Mo Manc,M14 5RT\r\n"        # Greater Manchester
          "zed@example.org,Zed Devon,EX1 1AA\r\n")    # no hub covers Exeter
NOTE = "signed paper forms, Liverpool stall, May 2026"
SECRETARIES = {"members.liverpool-south@example.org", "members.manchester@example.org"}


def ftm(app: App, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(app.config_path), *args])


def csv_file(folder: Path, text: str, name: str = "list.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def dump(app: App) -> list[str]:
    """Everything in the store, to compare before and after."""
    return list(app.db().conn.iterdump())


def held(app: App) -> dict[str, tuple[str, str | None]]:
    """Each member's state and hub slug."""
    return {r[0]: (r[1], r[2]) for r in app.db().execute(
        "SELECT m.email, m.state, h.slug FROM members m LEFT JOIN hubs h ON h.id = m.hub_id")}


def test_dry_run_changes_nothing(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # without --apply, in either mode, the store is the same byte for byte afterwards
    app = deploy(tmp_path / "d", smtp_server)
    add_member(app, "old@example.org", "Old Member")
    path = csv_file(tmp_path, HEADER + PEOPLE + "old@example.org,Old Member,L8 1AB\r\n")
    before = dump(app)
    r = ftm(app, "members", "import", str(path))
    assert r.exit_code == 0, r.output
    assert "would be invited" in r.output and "dry run: nothing changed" in r.output
    r = ftm(app, "members", "import", str(path), "--active", "--consent-note", NOTE)
    assert r.exit_code == 0, r.output
    assert dump(app) == before


def test_each_problem_is_reported_with_its_line(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # every kind of problem, each on its own line of the file, named with the line number
    app = deploy(tmp_path / "d", smtp_server)
    add_member(app, "member@example.org", "Already Here")
    add_member(app, "gone@example.org", "Gone Away")
    with transaction(app.db()):
        erasure.erase(app.db(), "gone@example.org", datetime.now(UTC), app.secret_key())
    path = csv_file(tmp_path, "email,name,postcode,hub\r\n"
                    "ok@example.org,Ok,L8 1AB,liverpool-south\r\n"     # 2: imported
                    "not-an-address,X,L8 1AB,\r\n"                     # 3
                    "Gone@Example.org,Gone Away,L8 1AB,\r\n"           # 4: erased
                    "member@example.org,Already Here,L8 1AB,\r\n"      # 5
                    "OK@example.org,Ok Again,L8 1AB,\r\n"              # 6: same as 2
                    "pc@example.org,Pc,QQ1 1AA,\r\n"                   # 7
                    "hub@example.org,Hub,L8 1AB,atlantis\r\n"          # 8
                    ",No Address,L8 1AB,\r\n"                          # 9
                    "forthemany.network+x@gmail.com,Us,L8 1AB,\r\n"      # 10: ourselves
                    "name@example.org,Name,L8 1AB,Liverpool South\r\n")  # 11
    r = ftm(app, "members", "import", str(path))
    assert r.exit_code == 0, r.output
    out = r.output
    for expected in ("line 3: invalid address: 'not-an-address' is not an email address",
                     "line 4: asked to be erased: ",
                     "line 5: already a member: active, in hub liverpool-south",
                     "line 6: duplicate in the file: the same address as line 2",
                     "line 7: invalid postcode: 'QQ1 1AA' is not a UK postcode: QQ is not a "
                     "UK postcode area",
                     "line 8: unknown hub: there is no hub 'atlantis'",
                     "line 9: invalid address: no email address",
                     "line 10: invalid address: forthemany.network+x@gmail.com is the "
                     "network's own address",
                     "line 11: unknown hub: 'Liverpool South' is a hub's name: the hub "
                     "column takes its slug, liverpool-south"):
        assert expected in out, (expected, out)
    assert "line 2:" not in out
    assert "Gone@Example.org" not in out           # an erased address is not echoed
    r = ftm(app, "members", "import", str(path), "--apply")
    assert r.exit_code == 0, r.output
    assert "imported 1 member(s)" in r.output and "9 row(s) skipped" in r.output
    assert set(held(app)) == {"member@example.org", "ok@example.org"}


def test_invite_then_confirm_by_reply(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # --invite: pending members, one confirmation each over SMTP; Ann replies "Yes, I
    # agree" and is an active member of Liverpool South, as after a join by email
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    r = ftm(app, "members", "import", str(csv_file(tmp_path, HEADER + PEOPLE)), "--apply")
    assert r.exit_code == 0, r.output
    assert "4 invitation(s) queued in the outbox" in r.output
    assert "the daemon (`ftm run`) sends them within the relay's limits" in r.output
    assert held(app) == {e: ("pending", None) for e in (
        "ann@example.org", "bo@example.org", "mo@example.org", "zed@example.org")}
    mail = net.mail_to(4)
    assert set(mail) == {"ann@example.org", "bo@example.org", "mo@example.org",
                         "zed@example.org"}
    (confirm,) = mail["ann@example.org"]
    text = text_of(confirm)
    assert "Please confirm" in str(confirm.message["Subject"])
    assert "12. Transformation of the economic system" in text and "L8 1AB" in text
    # they never asked us: the mail says where we had them from, not "thank you for asking"
    assert "you were on the list we kept before" in " ".join(text.split())
    assert "asking to join" not in text
    assert parseaddr(str(mail["bo@example.org"][0].message["To"])) == ("Bo Khan",
                                                                       "bo@example.org")
    net.deliver(reply_to(confirm, "ann@example.org", "Yes, I agree."))
    assert held(app)["ann@example.org"] == ("active", "liverpool-south")
    m = members.find(app.db(), "ann@example.org")
    assert m is not None
    assert [c["method"] for c in members.consents(app.db(), m.id)] == ["token"]
    after = net.mail_to(2)     # her welcome, and the membership secretary's notice
    assert set(after) == {"ann@example.org", "members.liverpool-south@example.org"}
    net.nothing_more()
    history = list(app.db().query("SELECT actor, action, detail FROM audit_log "
                                  "WHERE member_id = ? ORDER BY id", [m.id]))
    assert history[0]["actor"] == "ftm members import"


def test_active_import_records_consent_routes_and_tells_secretaries_once(
        tmp_path: Path, smtp_server: SmtpServer) -> None:
    # --active: active at once in the hub of the postcode, consent by "import" with the
    # note, no mail to members, one summary to each hub's membership secretary
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    r = ftm(app, "members", "import", str(csv_file(tmp_path, HEADER + PEOPLE)), "--active",
            "--consent-note", NOTE, "--apply")
    assert r.exit_code == 0, r.output
    assert "no mail goes to them" in r.output
    assert held(app) == {"ann@example.org": ("active", "liverpool-south"),
                         "bo@example.org": ("active", "liverpool-south"),
                         "mo@example.org": ("active", "manchester"),
                         "zed@example.org": ("active", None)}
    db = app.db()
    bo = members.find(db, "bo@example.org")
    assert bo is not None and bo.postcode == "L17 6AB" and bo.confirmed_at
    assert bo.route_rule == "district L17 is covered by liverpool-south"
    consents = list(db.query("SELECT * FROM consents"))
    assert len(consents) == 4
    assert {(c["method"], c["note"], c["principles_hash"], c["message_id"], c["withdrawn_at"])
            for c in consents} == {("import", NOTE, policy(app).principles.version, None, None)}
    audit = list(db.query("SELECT * FROM audit_log WHERE actor = 'ftm members import'"))
    assert len(audit) == 4
    for row in audit:      # no personal data in the audit log
        detail = row["detail"]
        assert "@" not in detail and "Ann" not in detail and "L8" not in detail, detail
        assert json.loads(detail)["consent"] == "import"
    mail = net.mail_to(2)
    assert set(mail) == SECRETARIES
    (summary,) = mail["members.liverpool-south@example.org"]
    text = text_of(summary)
    assert "2 member(s)" in str(summary.message["Subject"])
    assert "Ann Lee <ann@example.org>, L8 1AB" in text and "bo@example.org" in text
    assert NOTE in text and "mo@example.org" not in text
    net.nothing_more()
    shown = ftm(app, "members", "show", "bo@example.org")
    assert f"by import (note: {NOTE})" in shown.output


def test_active_import_with_welcome(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # --welcome: each new member gets the hub's welcome, and the secretary one summary
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    path = csv_file(tmp_path, HEADER + "ann@example.org,Ann Lee,L8 1AB\r\n"
                    "zed@example.org,Zed Devon,EX1 1AA\r\n")
    r = ftm(app, "members", "import", str(path), "--active", "--consent-note", NOTE,
            "--welcome", "--apply")
    assert r.exit_code == 0, r.output
    mail = net.mail_to(3)
    assert set(mail) == {"ann@example.org", "zed@example.org",
                         "members.liverpool-south@example.org"}
    assert "Liverpool South" in str(mail["ann@example.org"][0].message["Subject"])
    assert "No hub covers your postcode yet" in text_of(mail["zed@example.org"][0])
    net.nothing_more()


def test_active_needs_a_note_and_invite_takes_none(tmp_path: Path,
                                                   smtp_server: SmtpServer) -> None:
    # --active without --consent-note, or --welcome with --invite, is refused: nothing done
    app = deploy(tmp_path / "d", smtp_server)
    path = csv_file(tmp_path, HEADER + PEOPLE)
    before = dump(app)
    r = ftm(app, "members", "import", str(path), "--active", "--apply")
    assert r.exit_code == 2 and "--active needs --consent-note" in r.output
    r = ftm(app, "members", "import", str(path), "--active", "--consent-note", "  ", "--apply")
    assert r.exit_code == 2
    r = ftm(app, "members", "import", str(path), "--welcome", "--apply")
    assert r.exit_code == 2 and "go with --active" in r.output
    assert dump(app) == before


def test_a_failure_half_way_leaves_nothing(tmp_path: Path, smtp_server: SmtpServer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # something breaks on the third invitation, or after the active members are written:
    # the import is one transaction, so no member, consent, mail or audit row remains
    app = deploy(tmp_path / "d", smtp_server)
    path = csv_file(tmp_path, HEADER + PEOPLE)
    before = dump(app)
    real_invite = membership.invite
    calls = []

    def failing_invite(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real_invite(*args, **kwargs)

    monkeypatch.setattr(membership, "invite", failing_invite)
    r = ftm(app, "members", "import", str(path), "--apply")
    assert r.exit_code != 0 and len(calls) == 3
    assert dump(app) == before

    def failing_summary(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "_tell_secretaries", failing_summary)
    r = ftm(app, "members", "import", str(path), "--active", "--consent-note", NOTE, "--apply")
    assert r.exit_code != 0
    assert dump(app) == before


def test_an_erased_address_is_never_added_again(tmp_path: Path,
                                                smtp_server: SmtpServer) -> None:
    # Priya asked to be erased; an old spreadsheet still has her: skipped in both modes,
    # whatever the case of her address, and nothing is sent to her
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    add_member(app, "priya@example.org", "Priya Shah")
    with transaction(app.db()):
        erasure.erase(app.db(), "priya@example.org", datetime.now(UTC), app.secret_key())
    path = csv_file(tmp_path, HEADER + "PRIYA@example.org,Priya Shah,L8 1AB\r\n"
                    "ann@example.org,Ann Lee,L8 1AB\r\n")
    for mode in (["--active", "--consent-note", NOTE], []):
        r = ftm(app, "members", "import", str(path), *mode, "--apply")
        assert r.exit_code == 0, r.output
        assert "line 2: asked to be erased" in r.output
    assert set(held(app)) == {"ann@example.org"}
    net.mail_to(1)          # the secretary's summary of Ann; nothing to Priya
    net.nothing_more()
    assert app.db().execute("SELECT count(*) FROM outbox WHERE to_addr LIKE 'priya%' "
                            "COLLATE NOCASE").fetchone()[0] == 0


def test_importing_again_changes_nothing(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # the same file imported twice (either mode): the second run finds everyone there,
    # in their state, and writes nothing: no member, no mail, no audit row
    app = deploy(tmp_path / "d", smtp_server)
    invited = csv_file(tmp_path, HEADER + "ann@example.org,Ann Lee,L8 1AB\r\n", "a.csv")
    active = csv_file(tmp_path, HEADER + "mo@example.org,Mo Manc,M14 5RT\r\n", "b.csv")
    assert ftm(app, "members", "import", str(invited), "--apply").exit_code == 0
    assert ftm(app, "members", "import", str(active), "--active", "--consent-note", NOTE,
               "--apply").exit_code == 0
    before = dump(app)
    r = ftm(app, "members", "import", str(invited), "--apply")
    assert r.exit_code == 0, r.output
    assert "line 2: already a member: pending since" in r.output
    assert "imported 0 member(s)" in r.output and "0 mail(s) queued" in r.output
    r = ftm(app, "members", "import", str(active), "--active", "--consent-note", NOTE,
            "--apply")
    assert "line 2: already a member: active, in hub manchester" in r.output
    assert dump(app) == before


def test_export_then_import_is_a_no_op(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # export writes a private file (0600, a warning on stderr); importing it finds
    # everyone already a member; --hub and --state choose whom
    app = deploy(tmp_path / "d", smtp_server)
    assert ftm(app, "members", "import", str(csv_file(tmp_path, HEADER + PEOPLE)), "--active",
               "--consent-note", NOTE, "--apply").exit_code == 0
    add_member(app, "eve@example.org", "=SUM(A1:A9)", hub=None)     # a name to escape
    assert ftm(app, "members", "import", str(csv_file(
        tmp_path, HEADER + "pat@example.org,Pat,M1 1AA\r\n", "p.csv")), "--apply").exit_code == 0
    out = tmp_path / "all.csv"
    r = ftm(app, "members", "export", "--state", "all", "--output", str(out))
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert "holds personal data of 6 member(s)" in r.stderr and r.stdout == ""
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "email,name,postcode,hub,state,delivery,joined,confirmed"
    assert lines[1].startswith("ann@example.org,Ann Lee,L8 1AB,liverpool-south,active,each,")
    assert any(line.startswith("zed@example.org,Zed Devon,EX1 1AA,,active") for line in lines)
    assert any(line.startswith("pat@example.org,Pat,M1 1AA,,pending,each,") for line in lines)
    assert any(",'=SUM(A1:A9)," in line for line in lines)
    before = dump(app)
    r = ftm(app, "members", "import", str(out), "--apply")
    assert r.exit_code == 0, r.output
    assert r.output.count("already a member") >= 6 and "imported 0 member(s)" in r.output
    assert dump(app) == before
    r = ftm(app, "members", "export", "--hub", "liverpool-south")
    assert r.exit_code == 0
    assert [line.split(",")[0] for line in r.stdout.splitlines()] == [
        "email", "ann@example.org", "bo@example.org"]
    assert "personal data of 2 member(s)" in r.stderr
    r = ftm(app, "members", "export", "--state", "pending")
    assert [line.split(",")[0] for line in r.stdout.splitlines()] == ["email", "pat@example.org"]
    r = ftm(app, "members", "export", "--hub", "atlantis")
    assert r.exit_code == 1 and "there is no hub 'atlantis'" in r.output


def test_invitations_beyond_one_run_wait_for_the_next(tmp_path: Path,
                                                      smtp_server: SmtpServer) -> None:
    # --max-invites 2 with four new people: two invited now, two left; the same import
    # again invites the other two (those invited first are already signed up)
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    path = csv_file(tmp_path, HEADER + PEOPLE)
    r = ftm(app, "members", "import", str(path), "--max-invites", "2", "--apply")
    assert r.exit_code == 0, r.output
    assert "2 more new people are left for a later run" in r.output
    assert set(held(app)) == {"ann@example.org", "bo@example.org"}
    assert set(net.mail_to(2)) == {"ann@example.org", "bo@example.org"}
    r = ftm(app, "members", "import", str(path), "--max-invites", "2", "--apply")
    assert "left for a later run" not in r.output and "imported 2 member(s)" in r.output
    assert set(net.mail_to(2)) == {"mo@example.org", "zed@example.org"}
    net.nothing_more()


def test_the_daily_reply_cap_holds_back_an_invitation(tmp_path: Path,
                                                      smtp_server: SmtpServer) -> None:
    # an address that already had its automatic replies today gets no invitation now;
    # the volunteer is told, and the member waits for the reminder
    app = deploy(tmp_path / "d", smtp_server,
                 limits={"replies_per_address_per_day": 1})
    net = Network(app, smtp_server)
    net.write("ann@example.org", "forthemany.network@gmail.com", "help",
              "How does this work?")
    net.mail_to(1)
    r = ftm(app, "members", "import", str(csv_file(tmp_path, HEADER + PEOPLE)), "--apply")
    assert r.exit_code == 0, r.output
    assert "not sent: member/confirm-join: 1 replies already today" in r.output
    assert "3 mail(s) queued" in r.output
    assert held(app)["ann@example.org"] == ("pending", None)
    assert "ann@example.org" not in net.mail_to(3)


def test_an_import_is_no_signup_storm(tmp_path: Path, smtp_server: SmtpServer) -> None:
    # importing more people than signups_per_hour does not hold up the next signup by mail
    app = deploy(tmp_path / "d", smtp_server, limits={"signups_per_hour": 3})
    net = Network(app, smtp_server)
    assert ftm(app, "members", "import", str(csv_file(tmp_path, HEADER + PEOPLE)),
               "--apply").exit_code == 0
    out = net.write("new@example.org", "forthemany.network@gmail.com", "Join",
                    "Please sign me up, my postcode is L8 1AB.")
    assert out.folder == "processed", out


def run_ftm(app: App, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTM_")}
    return subprocess.run([sys.executable, "-m", "ftm", "--config", str(app.config_path),
                           *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_bad_file_exits_non_zero_with_one_clear_line(tmp_path: Path,
                                                       smtp_server: SmtpServer) -> None:
    # a workbook, a file with no email column, a missing file: exit 1, one line each
    app = deploy(tmp_path / "d", smtp_server)
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    csv_file(tmp_path, "Name,Postcode\r\nAnn,L8 1AB\r\n", "noemail.csv")
    before = dump(app)
    for name, words in (("book.xlsx", "not CSV"), ("noemail.csv", "no email column"),
                        ("missing.csv", "cannot read")):
        r = run_ftm(app, "members", "import", str(tmp_path / name), "--apply")
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], (name, r.stderr)
        assert r.stdout == ""
    assert dump(app) == before


def test_a_join_by_email_is_still_thanked_for_asking(tmp_path: Path,
                                                     smtp_server: SmtpServer) -> None:
    # the import's wording is only for imported people
    app = deploy(tmp_path / "d", smtp_server)
    net = Network(app, smtp_server)
    net.write("cat@example.org", "forthemany.network@gmail.com", "Join",
              "Please sign me up, L8 1AB. Cat")
    (confirm,) = net.mail(1)
    text = " ".join(text_of(confirm).split())
    assert "Thank you for asking to join" in text and "list we kept before" not in text
