"""Dates typed the Israeli way, day first, read in Jerusalem time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.date_input import parse_local
from tests.support import NOW

ZONE = "Asia/Jerusalem"


@pytest.mark.parametrize(
    "typed",
    ["24/11/2026 18:30", "24.11.2026 18:30", "24-11-26 18:30", "24/11 18.30", "24/11/2026, 18:30"],
)
def test_common_ways_of_typing_a_date_and_time(typed: str) -> None:
    assert parse_local(typed, NOW, ZONE) == datetime(2026, 11, 24, 16, 30, tzinfo=UTC)


def test_summer_time_is_three_hours_ahead() -> None:
    assert parse_local("1/7/2027 9:00", NOW, ZONE) == datetime(2027, 7, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed", ["", "מחר", "31/02/2027 10:00", "24/11/2026 25:00", "24/11/2026", "18:30", "9" * 40]
)
def test_anything_else_is_not_a_date(typed: str) -> None:
    assert parse_local(typed, NOW, ZONE) is None
