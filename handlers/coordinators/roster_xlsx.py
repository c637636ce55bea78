"""The registrations as an Excel workbook that opens on a phone (WhatsApp delivers XLSX, not
CSV): headings in the coordinator's language, a right-to-left sheet for Hebrew, phones and
codes as text (never numbers losing their "+" or leading zero), times as real dates."""

from __future__ import annotations

import io

from handlers.coordinators.roster import COLUMNS, Entry, cells, headings
from locales import Translator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {"name": 24, "phone": 16, "home": 20, "status": 14, "registered": 17, "checked_in": 17}
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def roster_xlsx(t: Translator, timezone: str, rows: list[Entry]) -> bytes:
    """One sheet: a bold heading row, frozen, with a filter; a row per registration. Written
    as a stream (openpyxl's write-only mode): 5,000 rows in a fraction of the time and memory."""
    # Loaded when a coordinator exports, not by every chat that starts.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(t("roster.sheet")[:31])
    sheet.sheet_view.rightToLeft = t.rtl
    for column, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(name, 12)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    bold = Font(bold=True)

    def heading(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        return cell

    def cell(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str) and not value.startswith("="):
            return value  # written as text as it is: a phone keeps its "+" and leading zero
        written = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            # Text stays text: a name starting with "=" is not a formula.
            written.data_type = "s"
        else:
            written.number_format = TIME_FORMAT
        return written

    sheet.append([heading(text) for text in headings(t)])
    for entry in rows:
        sheet.append([cell(value) for value in cells(t, timezone, entry)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
