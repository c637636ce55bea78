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
    """One sheet: a bold heading row, frozen, with a filter; a row per registration."""
    # Loaded when a coordinator exports, not by every chat that starts.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("roster.sheet")[:31]
    sheet.sheet_view.rightToLeft = t.rtl
    sheet.append(headings(t))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in rows:
        sheet.append(list(cells(t, timezone, entry)))
    for column, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(name, 12)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, str):
                # Text stays text: a name starting with "=" is not a formula, a phone no number.
                cell.data_type = "s"
                cell.number_format = "@"
            elif cell.value is not None:
                cell.number_format = TIME_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
