"""The workbook writer: what Excel (here openpyxl, reading as Excel does) finds in the file."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from handlers.coordinators.xlsx_stream import column_letter, workbook


def test_cells_keep_their_kind_and_odd_text_still_opens() -> None:
    rows: list[list[object]] = [
        ["=SUM(A1:A9)", " spaced ", "a & b <c>", 7, 2.5, True, datetime(2027, 1, 5, 15, 30)],
        ["bell\x07 in a name", None, "", 0, None, False, None],
    ]
    data = workbook(
        "Sheet 'one' & two", ["a", "b", "c", "d", "e", "f", "g"], rows, [9] * 7, rtl=False
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.title == "Sheet 'one' & two"
    assert sheet.sheet_view.rightToLeft is False and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3" and sheet.column_dimensions["C"].width == 9
    first, second = list(sheet.iter_rows(min_row=2))
    assert [cell.value for cell in first] == [
        "=SUM(A1:A9)",  # text, not a formula
        " spaced ",
        "a & b <c>",
        7,
        2.5,
        True,
        datetime(2027, 1, 5, 15, 30),
    ]
    assert first[0].data_type == "s" and first[6].is_date
    assert [cell.value for cell in second] == ["bell in a name", None, None, 0, None, False, None]


def test_columns_are_lettered_as_excel_does() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
