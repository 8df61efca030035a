"""Membership spreadsheets as volunteers save them: headers, encodings, delimiters, lines."""

from __future__ import annotations

import io

import pytest

from lists.addresses import InvalidAddress, check_address
from lists.memberfile import MemberFileError, read_member_file, write_member_file


@pytest.mark.parametrize("header, fields", [
    ("Email,Name,Postcode", {"email", "name", "postcode"}),
    ("E-mail,Full name,Post code,Hub", {"email", "name", "postcode", "hub"}),
    ("EMAIL ADDRESS,First Name,Last Name,ZIP", {"email", "first", "last", "postcode"}),
    ("email_address,forename,surname,postal_code,hub slug",
     {"email", "first", "last", "postcode", "hub"}),
])
def test_headers_in_the_spellings_people_use(header: str, fields: set[str]) -> None:
    # each common spelling of each column is recognised, whatever its case
    f = read_member_file(f"{header}\r\nann@example.org,Ann,Lee,L8 1AB,x\r\n".encode())
    assert {fld for fld, _ in f.columns} == fields


def test_excel_bom_semicolons_and_first_plus_last_name() -> None:
    # Excel in much of Europe: a BOM, semicolons, the name in two columns, a phone ignored
    data = ("\ufeffE-mail;First name;Surname;Post Code;Phone\r\n"
            "ann@example.org;Ann;Lee;l81ab;0151\r\n")
    f = read_member_file(data.encode("utf-8"))
    (row,) = f.rows
    assert (row.line, row.email, row.name, row.postcode) == (2, "ann@example.org", "Ann Lee",
                                                            "l81ab")
    assert f.delimiter == ";" and f.ignored == ("Phone",)
    assert f.describe().startswith("semicolon-separated, UTF-8; email <- \"E-mail\"")


def test_tabs_utf16_and_windows_1252() -> None:
    # Excel's "Unicode text" (UTF-16, tabs) and its plain CSV on Windows (cp1252) both read
    f = read_member_file("email\tname\r\nzoe@example.org\tZoë Brontë\r\n".encode("utf-16"))
    assert (f.encoding, f.delimiter, f.rows[0].name) == ("UTF-16", "\t", "Zoë Brontë")
    f = read_member_file("email,name\r\nzoe@example.org,Zoë\r\n".encode("cp1252"))
    assert (f.encoding, f.rows[0].name) == ("Windows-1252", "Zoë")


def test_line_numbers_count_blank_lines_and_cells_over_several_lines() -> None:
    # a line number is where the row starts in the file, as an editor counts
    data = (b"\r\nemail,name,postcode\r\nann@example.org,Ann,L8 1AB\r\n\r\n"
            b'bo@example.org,"Bo\r\nKhan",M14\r\n,,\r\ncy@example.org,Cy,\r\n')
    f = read_member_file(data)
    assert [(r.line, r.email) for r in f.rows] == [
        (3, "ann@example.org"), (5, "bo@example.org"), (8, "cy@example.org")]
    assert f.rows[1].name == "Bo Khan"          # one line of text, no line break
    assert f.rows[2].postcode is None


def test_addresses_written_with_a_name_or_mailto() -> None:
    # "Ann Lee <ann@x>" and "mailto:ann@x" cells give the bare address
    f = read_member_file(b'email\r\n"Ann Lee <ann@example.org>"\r\nmailto:bo@example.org\r\n')
    assert [r.email for r in f.rows] == ["ann@example.org", "bo@example.org"]


@pytest.mark.parametrize("data, words", [
    (b"", "the file is empty"),
    (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (b"Dear all,\nplease add the people below\n", "no email column"),
    (b"name,postcode\nAnn,L8 1AB\n", "no email column"),
    (b"email,e-mail\na@example.org,a@example.org\n", "two columns give the email address"),
])
def test_files_that_are_not_member_lists(data: bytes, words: str) -> None:
    # each bad file gets one line saying what is wrong
    with pytest.raises(MemberFileError) as e:
        read_member_file(data)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_export_escapes_formulas_and_reading_takes_the_escape_off() -> None:
    # a name someone mailed in cannot run as a spreadsheet formula; a re-import reads it back
    out = io.StringIO()
    n = write_member_file(out, [{"email": "ann@example.org", "name": "=HYPERLINK(\"x\")",
                                 "postcode": "L8 1AB", "state": "active"}])
    text = out.getvalue()
    assert n == 1 and text.startswith("email,name,postcode,hub,state,delivery,joined,confirmed")
    assert "'=HYPERLINK" in text
    (row,) = read_member_file(text.encode()).rows
    assert row.name == '=HYPERLINK("x")'


def test_address_check_says_why() -> None:
    # email-validator's rules without DNS, with its reason
    assert check_address("Ann@Example.ORG") == "Ann@example.org"
    with pytest.raises(InvalidAddress) as e:
        check_address("ann.example.org")
    assert "@" in e.value.reason
