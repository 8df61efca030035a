"""`ftm demo`: the embedded deployment runs the real daemon and reports what the store holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftm.cli import cli
from ftm.demo import run_demo


@pytest.mark.parametrize("use_imap", [True, False], ids=["imap", "receiver"])
def test_demo_summary_matches_the_store(tmp_path: Path, use_imap: bool) -> None:
    # every seeded message and answer is processed once; the report is what the store says
    report = run_demo(tmp_path / "demo", n=30, use_imap=use_imap, say=lambda _: None)
    db = sqlite3.connect(tmp_path / "demo" / "ftm.db")
    inbound = db.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]
    assert inbound == report.seeded + report.answers
    assert sum(report.intents.values()) == inbound
    assert sum(c for _, _, c in report.members_by_hub) == \
        db.execute("SELECT count(*) FROM members").fetchone()[0]
    active = sum(c for _, state, c in report.members_by_hub if state == "active")
    assert active > 0
    assert db.execute("SELECT count(*) FROM members WHERE state = 'active' AND "
                      "id NOT IN (SELECT member_id FROM consents)").fetchone()[0] == 0
    assert len(report.reviews) == db.execute("SELECT count(*) FROM review_items").fetchone()[0]
    sent = db.execute("SELECT count(*) FROM outbox WHERE state = 'sent'").fetchone()[0]
    assert sum(report.sent_by_template.values()) == sent == report.sent_files
    assert len(list((tmp_path / "demo" / "sent").glob("*.eml"))) == sent
    # machine mail was never answered: no reply went to the bounce or out-of-office senders
    assert db.execute("SELECT count(*) FROM outbox WHERE to_addr LIKE 'mailer-daemon%'"
                      ).fetchone()[0] == 0
    assert report.folders["bounces"] >= 1 and report.folders["review"] >= 1


def test_demo_command_prints_the_summary(tmp_path: Path) -> None:
    # the README's first command: the CLI prints members per hub, mail sent and reviews
    result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path / "d"), "-n", "20"])
    assert result.exit_code == 0, result.output
    for words in ("members", "mail sent", "for review", ".eml"):
        assert words in result.output
