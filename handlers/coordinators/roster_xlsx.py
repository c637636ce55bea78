"""The registrations as an Excel workbook that opens on a phone (WhatsApp delivers XLSX, not
CSV): headings in the coordinator's language, a right-to-left sheet for Hebrew, phones and
codes as text (never numbers losing their "+" or leading zero), times as real dates."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.coordinators.roster import COLUMNS, Entry, cells, headings
from handlers.coordinators.xlsx_stream import workbook
from locales import Translator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {"name": 24, "phone": 16, "home": 20, "status": 14, "registered": 17, "checked_in": 17}


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
    to left in Hebrew, text kept as text and times as dates."""
    return workbook(title, heading, rows, widths, rtl=t.rtl)
