"""Reading a role holders' list the ways Excel and phones save it."""

from __future__ import annotations

import pytest

from models.role_file import FileReason, RoleFileError, Row, read_rows


def test_unicode_text_with_tabs_and_a_cell_over_two_lines_keeps_line_numbers() -> None:
    text = 'שם\tנייד\tקיבוץ\tתפקידים\n"דנה\nכהן"\t050-1234567\tסאסא\tגזבר/ית\nרון\t52-7654321\t\t\n'
    assert read_rows(text.encode("utf-16")) == [
        Row(2, "דנה\nכהן", "050-1234567", "סאסא", "גזבר/ית"),
        Row(4, "רון", "52-7654321", "", ""),
    ]


def test_semicolons_windows_hebrew_and_a_phone_excel_stripped_of_its_zero() -> None:
    data = "Name;Phone\r\n\r\nרון לוי;547654321\r\n".encode("cp1255")
    assert read_rows(data) == [Row(3, "רון לוי", "0547654321")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", FileReason.EMPTY),
        (b"name,phone\n,\n", FileReason.EMPTY),
        (b"\x00\x01binary", FileReason.NOT_A_LIST),
        (b"\x81\x8a\xff", FileReason.NOT_A_LIST),
        (b"name,kibbutz\nDana,sasa\n", FileReason.NO_PHONE),
        (b"phone\n" + b"0501234567\n" * 5001, FileReason.TOO_MANY_ROWS),
        (b"phone\n" + b"x" * (2 * 1024 * 1024), FileReason.TOO_LARGE),
    ],
)
def test_what_is_no_list_is_named(data: bytes, reason: FileReason) -> None:
    with pytest.raises(RoleFileError) as refused:
        read_rows(data)
    assert refused.value.reason == reason
