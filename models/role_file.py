"""Reading a list of role holders: CSV as Excel saves it — UTF-8 with or without a BOM,
Windows Hebrew (windows-1255, Excel's plain "CSV" on a Hebrew Windows) or "Unicode text"
(UTF-16, tab-separated); comma, semicolon or tab between cells — or an XLSX workbook's first
sheet. Column headings in English or Hebrew. The command line and the chat read files here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

HEADINGS = {
    "name": ("name", "full name", "שם", "שם מלא"),
    "phone": ("phone", "mobile", "טלפון", "נייד", "טלפון נייד"),
    "kibbutz": ("kibbutz", "קיבוץ"),
    "role": ("role", "roles", "תפקיד", "תפקידים"),
}
"""Column headings understood, in English or in Hebrew (case and spaces aside)."""
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 30
"""Cells read per row of a workbook: the list needs four; a sheet may be very wide."""
ZIP = b"PK\x03\x04"
OLD_EXCEL = b"\xd0\xcf\x11\xe0"
"""An .xls of Excel 97–2003 (OLE2), which openpyxl does not read."""


class FileReason(StrEnum):
    """Why a file is not a list we can read."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    NOT_A_LIST = "not_a_list"
    """Neither text nor a workbook we can open (a PDF, an image, an old .xls…)."""
    NO_PHONE = "no_phone"


MESSAGES = {
    FileReason.EMPTY: "no rows under the headings",
    FileReason.TOO_LARGE: f"the file is over {MAX_BYTES // (1024 * 1024)} MB",
    FileReason.TOO_MANY_ROWS: f"at most {MAX_ROWS} rows at once",
    FileReason.NOT_A_LIST: "not a CSV or XLSX file (save it as CSV UTF-8 or as an Excel workbook)",
    FileReason.NO_PHONE: "no phone column (name, phone, kibbutz, role)",
}


class RoleFileError(ValueError):
    """The file is not a list of role holders; `reason` says why (the message in English)."""

    def __init__(self, reason: FileReason) -> None:
        super().__init__(MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class Row:
    """One person of the list, as written, with the line (or sheet row) it is on."""

    line: int
    name: str = ""
    phone: str = ""
    kibbutz: str = ""
    role: str = ""


def read_rows(data: bytes) -> list[Row]:
    """The file's rows by our column names, blank rows left out; RoleFileError if it is no list."""
    if len(data) > MAX_BYTES:
        raise RoleFileError(FileReason.TOO_LARGE)
    if not data.strip():
        raise RoleFileError(FileReason.EMPTY)
    if data.startswith(ZIP):
        table = _workbook(data)
    elif data.startswith(OLD_EXCEL):
        raise RoleFileError(FileReason.NOT_A_LIST)
    else:
        table = _csv(_text(data))
    numbered = ((line, cells) for line, cells in table if any(cell.strip() for cell in cells))
    header = next(numbered, None)
    if header is None:
        raise RoleFileError(FileReason.EMPTY)
    columns = {
        ours: index
        for index, heading in enumerate(header[1])
        for ours, names in HEADINGS.items()
        if " ".join(heading.split()).casefold() in names
    }
    if "phone" not in columns:
        raise RoleFileError(FileReason.NO_PHONE)
    rows: list[Row] = []
    for line, cells in numbered:
        if len(rows) == MAX_ROWS:
            raise RoleFileError(FileReason.TOO_MANY_ROWS)
        values = {ours: _cell(cells, index) for ours, index in columns.items()}
        values["phone"] = _leading_zero(values["phone"])
        rows.append(Row(line, **values))
    if not rows:
        raise RoleFileError(FileReason.EMPTY)
    return rows


def _leading_zero(phone: str) -> str:
    """A phone Excel kept as a number lost its leading zero: 501234567 was 050-1234567 (an
    Israeli number has 8–9 digits after the zero; international ones start with + or 972)."""
    if phone.isdigit() and 8 <= len(phone) <= 9 and not phone.startswith(("0", "972")):
        return f"0{phone}"
    return phone


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _text(data: bytes) -> str:
    """The file as text: UTF-16 by its BOM, else UTF-8, else Windows Hebrew."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise RoleFileError(FileReason.NOT_A_LIST)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1255")
    except UnicodeDecodeError as exc:  # bytes windows-1255 leaves undefined: not text at all
        raise RoleFileError(FileReason.NOT_A_LIST) from exc


def _csv(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; the separator is the commonest of the first line's."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    separator = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=separator)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RoleFileError(FileReason.NOT_A_LIST) from exc


def _workbook(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows, numbered as Excel shows them."""
    from openpyxl import load_workbook  # imported when first used: a workbook is rare

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook: openpyxl raises many kinds
        raise RoleFileError(FileReason.NOT_A_LIST) from exc
    try:
        sheet = book.worksheets[0]
        rows: Iterable[tuple[Any, ...]] = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(rows, start=1):
            yield line, [_excel_text(value) for value in values]
    finally:
        book.close()


def _excel_text(value: Any) -> str:
    """A cell as text; a whole number without Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
