"""The test servers themselves work: Dovecot stores and flags, aiosmtpd records and misbehaves."""

from __future__ import annotations

import smtplib

import pytest

from tests.servers import Dovecot, ImapAccount, SmtpServer

MSG = (b"From: Ann <ann@example.org>\r\nTo: network@example.org\r\n"
       b"Subject: sign me up\r\nMessage-ID: <t1@example.org>\r\n\r\nL8 1AB please\r\n")


def test_imap_append_then_fetch_by_uid_with_flags(imap_server: ImapAccount) -> None:
    # a message APPENDed through imapclient reads back by UID, unread, then flagged
    c = imap_server.client()
    try:
        c.append("INBOX", MSG)
        c.select_folder("INBOX")
        uids = c.search(["ALL"])
        assert len(uids) == 1
        data = c.fetch(uids, ["BODY.PEEK[]", "FLAGS"])
        assert data[uids[0]][b"BODY[]"] == MSG
        assert b"\\Seen" not in data[uids[0]][b"FLAGS"]
        c.add_flags(uids, [b"\\Flagged"])
        assert b"\\Flagged" in c.get_flags(uids)[uids[0]]
        assert c.folder_status("INBOX", ["UIDVALIDITY"])[b"UIDVALIDITY"] > 0
    finally:
        c.logout()


def test_each_test_gets_an_empty_mailbox(imap_server: ImapAccount) -> None:
    # mailbox users are per test, so nothing from another test shows up
    c = imap_server.client()
    try:
        c.select_folder("INBOX")
        assert c.search(["ALL"]) == []
    finally:
        c.logout()


def test_imap_wrong_password_is_refused_quickly(imap_server: ImapAccount) -> None:
    # a bad login fails (and the auth penalty is off, so the next good login works)
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    c = IMAPClient("127.0.0.1", port=imap_server.port, ssl=False, timeout=10)
    with pytest.raises(LoginError):
        c.login(imap_server.user, "wrong")
    imap_server.client().logout()


def test_dovecot_restart_keeps_mail() -> None:
    # a private Dovecot stopped and started again serves the same store on the same port
    server = Dovecot().start()
    try:
        server.append(MSG)
        server.restart()
        c = server.client()
        c.select_folder("INBOX")
        assert len(c.search(["ALL"])) == 1
        c.logout()
    finally:
        server.cleanup()


def test_smtp_send_and_read_back(smtp_server: SmtpServer) -> None:
    # smtplib sends one message; the fixture records envelope and bytes
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as s:
        s.sendmail("bounce@example.org", ["ann@example.org"], MSG)
    (got,) = smtp_server.sent_messages(expected=1)
    assert got.mail_from == "bounce@example.org"
    assert got.rcpt_tos == ["ann@example.org"]
    assert got.message["Subject"] == "sign me up"


def test_smtp_fails_chosen_recipients(smtp_server: SmtpServer) -> None:
    # 5xx and 4xx per recipient, as a relay would answer them
    smtp_server.handler.fail_rcpt["gone@example.org"] = "550 5.1.1 No such user"
    smtp_server.handler.fail_rcpt["later@example.org"] = "451 4.3.0 Try again later"
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as s:
        refused = s.sendmail("b@example.org",
                             ["gone@example.org", "later@example.org", "ok@example.org"], MSG)
    assert refused["gone@example.org"][0] == 550
    assert refused["later@example.org"][0] == 451
    (got,) = smtp_server.sent_messages(expected=1)
    assert got.rcpt_tos == ["ok@example.org"]


def test_smtp_drops_the_connection_after_n(smtp_server: SmtpServer) -> None:
    # after N accepted messages the next DATA loses the connection
    smtp_server.handler.drop_after = 2
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as s:
        s.sendmail("b@example.org", ["a@example.org"], MSG)
        s.sendmail("b@example.org", ["a@example.org"], MSG)
        with pytest.raises(smtplib.SMTPException):
            s.sendmail("b@example.org", ["a@example.org"], MSG)
    assert len(smtp_server.messages) == 2
