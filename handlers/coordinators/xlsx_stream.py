"""A one-sheet Excel workbook written straight as its XML parts: the registrations and the
response team's exports. openpyxl built an object per cell, ~20 µs each (0.6–1 s for a 5,000-row
roster); this writes each row as one string.

What a coordinator sees (headings bold, frozen, with a filter; right to left in Hebrew; text as
text, never a formula; times as dates) is checked by the tests reading the file back with openpyxl,
as Excel would read it."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

TIME_FORMAT = "yyyy-mm-dd hh:mm"
EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's dates (its 1900 leap-year bug included)."""
PLAIN, BOLD, TIME = 0, 1, 2
"""Cell styles, in styles.xml's order."""
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML cannot carry: dropped (openpyxl refused the whole file for one)."""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET}.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    HEAD + f'<Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    HEAD + f'<Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    HEAD + f'<styleSheet xmlns="{MAIN}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{TIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def workbook(
    title: str,
    heading: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
    *,
    rtl: bool,
) -> bytes:
    """The workbook: `heading` in bold, frozen above a filter over every row; `title` names the
    sheet (at most 31 characters, as Excel allows)."""
    columns = max([len(heading), *(len(row) for row in rows)], default=1) or 1
    span = f"A1:{column_letter(columns)}{len(rows) + 1}"
    name = _text(title[:31])
    book = (
        HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<bookViews><workbookView/></bookViews><sheets><sheet name="{name}" sheetId="1"'
        ' r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase"'
        f' localSheetId="0" hidden="1">{_text(_absolute(title[:31], span))}</definedName>'
        "</definedNames></workbook>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/workbook.xml", book)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        letters = [column_letter(n) for n in range(1, columns + 1)]
        sheet = _sheet(heading, rows, widths, letters, span, rtl)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def _sheet(
    heading: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
    letters: list[str],
    span: str,
    rtl: bool,
) -> str:
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(widths, 1)
    )
    parts = [
        HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<dimension ref="{span}"/><sheetViews><sheetView workbookViewId="0"'
        f' rightToLeft="{int(rtl)}"><pane ySplit="1" topLeftCell="A2"'
        ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2"'
        ' sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>",
        _row(1, heading, letters, BOLD),
    ]
    parts += [_row(number, row, letters) for number, row in enumerate(rows, 2)]
    parts.append(f'</sheetData><autoFilter ref="{span}"/></worksheet>')
    return "".join(parts)


def _row(number: int, values: Sequence[object], letters: list[str], style: int = PLAIN) -> str:
    cells = "".join(
        _cell(f"{letters[n]}{number}", value, style)
        for n, value in enumerate(values)
        if value is not None and value != ""
    )
    return f'<row r="{number}">{cells}</row>'


def _cell(ref: str, value: object, style: int) -> str:
    shown = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{shown} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{shown}><v>{value}</v></c>'
    if isinstance(value, datetime):
        days = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{TIME}"><v>{days:.10f}</v></c>'
    # Text is always written as text: a phone keeps its "+", a name starting with "=" is no formula.
    text = _text(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{shown} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _text(value: str) -> str:
    return escape(NOT_XML.sub("", value), {'"': "&quot;"})


def _absolute(title: str, span: str) -> str:
    """`'Sheet'!$A$1:$G$9`, as a defined name refers to the filtered range."""
    start, end = (re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in span.split(":"))
    quoted = title.replace("'", "''")
    return f"'{quoted}'!{start}:{end}"


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
