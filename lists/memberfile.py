"""Membership spreadsheets as CSV files: reading what volunteers save from a spreadsheet,
and writing ftm's own export.

Pure: bytes in, values out (no store, no clock). ``read_member_file(data)`` finds the
header row, matches its columns without regard to case, spaces or hyphens, in the
spellings people use::

    email      Email, E-mail, Email address, Mail
    name       Name, Full name  -- or First name (Forename) + Last name (Surname)
    postcode   Postcode, Post code, Postal code, Zip
    hub        Hub, Hub slug (optional: checked against the store)

and returns each data row with the line it starts on. It reads UTF-8 (with or without
the byte-order mark Excel writes), UTF-16 with a byte-order mark (Excel's "Unicode
text"), and falls back to Windows-1252 (Excel's plain "CSV" on Windows); commas,
semicolons (Excel in much of Europe) and tabs are told apart by which one makes a
header with an email column. Other columns are ignored and named.

``write_member_file(out, rows)`` writes ``EXPORT_COLUMNS``. A cell that a spreadsheet
would run as a formula (it starts with ``=``, ``+``, ``-`` or ``@``) is written with a
leading apostrophe, which reading takes off again, so a name someone typed into an
email cannot run in a volunteer's spreadsheet.

Exceptions::

    MemberFileError (ValueError)   the file cannot be read as a member list; one line says why
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TextIO

FIELDS = ("email", "name", "first", "last", "postcode", "hub")
# a header, folded (lower case, letters and digits only) -> the field it gives
HEADERS: dict[str, str] = {
    "email": "email", "emailaddress": "email", "mail": "email", "emailaddr": "email",
    "name": "name", "fullname": "name", "membername": "name",
    "firstname": "first", "forename": "first", "givenname": "first", "first": "first",
    "lastname": "last", "surname": "last", "familyname": "last", "last": "last",
    "postcode": "postcode", "postalcode": "postcode", "zip": "postcode", "zipcode": "postcode",
    "hub": "hub", "hubslug": "hub", "localhub": "hub",
}
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
EXPORT_COLUMNS = ("email", "name", "postcode", "hub", "state", "delivery", "joined",
                  "confirmed")
FORMULA_START = ("=", "+", "-", "@")
MAX_NAME = 200


class MemberFileError(ValueError):
    """The file is not a member list ftm can read; the message is one line saying why."""


@dataclass(frozen=True, slots=True)
class FileRow:
    """One data row: the line it starts on and its cells, stripped (None when empty)."""

    line: int
    email: str | None
    name: str | None
    postcode: str | None
    hub: str | None


@dataclass(frozen=True, slots=True)
class MemberFile:
    """A member list as read: its rows, which header gave which field, what was ignored."""

    rows: tuple[FileRow, ...]
    columns: tuple[tuple[str, str], ...]     # (field, the header as written)
    ignored: tuple[str, ...]                 # headers that give no field
    delimiter: str
    encoding: str

    def describe(self) -> str:
        """``comma-separated, UTF-8; email <- "E-mail", name <- "First name" + ...``"""
        given: dict[str, list[str]] = {}
        for fld, header in self.columns:
            given.setdefault("name" if fld in ("first", "last") else fld, []).append(
                f'"{header}"')
        cols = ", ".join(f"{fld} <- {' + '.join(hs)}" for fld, hs in given.items())
        ignored = "; ignored: " + ", ".join(f'"{h}"' for h in self.ignored) if self.ignored \
            else ""
        return (f"{DELIMITER_NAMES[self.delimiter]}-separated, {self.encoding}; "
                f"{cols}{ignored}")


def read_member_file(data: bytes) -> MemberFile:
    """Read a member list; ``MemberFileError`` when it is not one.

    ``read_member_file(b"Email;Post code\\r\\nann@example.org;L8 1AB\\r\\n")`` ->
    one row, line 2, email ``ann@example.org``, postcode ``L8 1AB``.
    """
    text, encoding = _decode(data)
    lines = text.split("\n")              # as an editor counts them (\r\n or \n)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise MemberFileError("the file is empty: it needs a header row (email, name, "
                              "postcode) and a row per member")
    delimiter, fields, headers = _header(lines[first])
    reader = csv.reader(io.StringIO("\n".join(lines[first + 1:]), newline=""),
                        delimiter=delimiter)
    rows: list[FileRow] = []
    offset = first + 1                       # lines before the first data line
    start = offset + 1
    try:
        for cells in reader:
            line, start = start, offset + reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            rows.append(_row(line, cells, fields))
    except csv.Error as e:
        raise MemberFileError(f"line {start}: not readable as CSV ({e})") from None
    columns = tuple((f, headers[i]) for f, i in fields.items())
    used = set(fields.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h.strip())
    return MemberFile(tuple(rows), columns, ignored, delimiter, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise MemberFileError("this is a spreadsheet workbook (.xlsx or .ods), not CSV: "
                              "save it as \"CSV UTF-8\" first")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise MemberFileError("this is an old Excel workbook (.xls), not CSV: save it as "
                              "\"CSV UTF-8\" first")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise MemberFileError("the file says it is UTF-16 text but is not: save it "
                                  "as \"CSV UTF-8\"") from None
    if b"\x00" in data[:65536]:
        raise MemberFileError("this is not a CSV file (it holds binary data): save the "
                              "spreadsheet as \"CSV UTF-8\"")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise MemberFileError("the file is not text in UTF-8 or Windows-1252: save it as "
                              "\"CSV UTF-8\"") from None


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _header(line: str) -> tuple[str, dict[str, int], list[str]]:
    """The delimiter that gives an email column, the fields' column numbers, the headers."""
    best: tuple[int, str, dict[str, int], list[str]] | None = None
    clash = None
    for delimiter in DELIMITERS:
        headers = [h.strip() for h in next(csv.reader([line], delimiter=delimiter), [])]
        fields: dict[str, int] = {}
        for i, header in enumerate(headers):
            fld = HEADERS.get(_fold(header))
            if fld is not None and fld in fields:
                clash = clash or (f"two columns give the {_FIELD_WORDS[fld]}: "
                                  f'"{headers[fields[fld]]}" and "{header}"; keep one')
                break
            if fld is not None:
                fields[fld] = i
        else:
            if "email" in fields and (best is None or len(fields) > best[0]):
                best = (len(fields), delimiter, fields, headers)
    if best is None:
        if clash:
            raise MemberFileError(clash)
        cells = [c.strip() for c in next(csv.reader([line]), [])][:8]
        raise MemberFileError("no email column: the first line should be a header row "
                              "naming one (email, name, postcode); it has "
                              + ", ".join(f'"{c[:30]}"' for c in cells))
    _, delimiter, fields, headers = best
    if "name" in fields:          # a full name wins over its parts
        fields.pop("first", None)
        fields.pop("last", None)
    return delimiter, fields, headers


_FIELD_WORDS = {"email": "email address", "name": "name", "first": "first name",
                "last": "last name", "postcode": "postcode", "hub": "hub"}


def _row(line: int, cells: list[str], fields: Mapping[str, int]) -> FileRow:
    def cell(fld: str) -> str | None:
        i = fields.get(fld)
        if i is None or i >= len(cells):
            return None
        return _unescape(" ".join(cells[i].split())) or None

    name = cell("name")
    if "name" not in fields:
        name = " ".join(p for p in (cell("first"), cell("last")) if p) or None
    email = cell("email")
    if email:
        email = _bare_address(email)
    return FileRow(line, email, _clean_name(name), cell("postcode"), cell("hub"))


def _bare_address(text: str) -> str:
    """``mailto:ann@x.org`` and ``Ann Lee <ann@x.org>`` -> ``ann@x.org``."""
    m = re.fullmatch(r"[^<>]*<([^<>]+)>", text)
    if m:
        text = m.group(1).strip()
    if text.casefold().startswith("mailto:"):
        text = text[7:].strip()
    return text


def _clean_name(name: str | None) -> str | None:
    """A name as one line of printable text, at most MAX_NAME characters."""
    if name is None:
        return None
    name = "".join(ch for ch in name if ch.isprintable())[:MAX_NAME].strip()
    return name or None


def _unescape(cell: str) -> str:
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def _escape(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_member_file(out: TextIO, rows: Iterable[Mapping[str, object]]) -> int:
    """Write the header and one line per row (``EXPORT_COLUMNS``); how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    n = 0
    for row in rows:
        writer.writerow([_escape(row.get(c)) for c in EXPORT_COLUMNS])
        n += 1
    return n
