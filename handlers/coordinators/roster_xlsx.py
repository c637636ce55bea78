"""The registrations as an Excel workbook that opens on a phone (WhatsApp delivers XLSX, not
CSV): headings in the coordinator's language, a right-to-left sheet for Hebrew, phones and
codes as text (never numbers losing their "+" or leading zero), times as real dates."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from handlers.coordinators.roster import COLUMNS, Entry, cells, headings
from locales import Translator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {"name": 24, "phone": 16, "home": 20, "status": 14, "registered": 17, "checked_in": 17}
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def roster_xlsx(
    t: Translator, timezone: str, rows: list[Entry], extra: Sequence[str] = ()
) -> bytes:
    """One sheet: a bold heading row, frozen, with a filter; a row per registration."""
    widths = [WIDTHS.get(name, 12) for name in [*COLUMNS, *extra]]
    table = [cells(t, timezone, entry) for entry in rows]
    return sheet_xlsx(t, t("roster.sheet"), headings(t, extra), table, widths)


def sheet_xlsx(
    t: Translator,
    title: str,
    heading: list[str],
    rows: Sequence[Sequence[object]],
    widths: list[int],
) -> bytes:
    """A workbook of one sheet by the rules above: bold frozen headings with a filter, right
    to left in Hebrew, text kept as text and times as dates. Written as a stream (openpyxl's
    write-only mode): 5,000 rows in a fraction of the time and memory."""
    # Loaded when a coordinator exports, not by every chat that starts.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.sheet_view.rightToLeft = t.rtl
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(heading), 1))}{len(rows) + 1}"
    bold = Font(bold=True)

    def heading_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        return cell

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith("="):
            written = WriteOnlyCell(sheet, value)
            written.data_type = "s"  # text stays text: a name starting with "=" is no formula
            return written
        if isinstance(value, datetime):
            written = WriteOnlyCell(sheet, value)
            written.number_format = TIME_FORMAT
            return written
        return value  # text is written as it is: a phone keeps its "+" and leading zero

    sheet.append([heading_cell(text) for text in heading])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
