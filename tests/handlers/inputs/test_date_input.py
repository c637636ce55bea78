"""Dates, times and lengths typed the Israeli way, in Jerusalem time, the wrong part named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.inputs.date_input import Problem, read_length, read_moment
from tests.support import NOW

ZONE = "Asia/Jerusalem"
"""NOW is Monday 23 November 2026, 12:00 in Israel."""


@pytest.mark.parametrize(
    "typed",
    [
        "24/11/2026 18:30",
        "24.11.2026 18:30",
        "24-11-26 18:30",
        "24/11 18.30",
        "24/11/2026, 18:30",
        "2026-11-24 18:30",
        "ב-24.11.2026 בשעה 18:30",
        "ב־24.11 בשעה 18:30",
        "מחר 18:30",
        "מחר בשעה 18:30",
        "ביום שלישי 18:30",
        "בשלישי 18:30",
        "tomorrow at 18:30",
        "on Tuesday at 18:30",
    ],
)
def test_common_ways_of_typing_a_date_and_time(typed: str) -> None:
    assert read_moment(typed, NOW, ZONE) == datetime(2026, 11, 24, 16, 30, tzinfo=UTC)


def test_summer_time_is_three_hours_ahead() -> None:
    assert read_moment("1/7/2027 9:00", NOW, ZONE) == datetime(2027, 7, 1, 6, 0, tzinfo=UTC)


def test_a_date_without_a_year_is_the_next_one() -> None:
    assert read_moment("12.1 18:30", NOW, ZONE) == datetime(2027, 1, 12, 16, 30, tzinfo=UTC)
    assert read_moment("23.11 9:00", NOW, ZONE) == datetime(2027, 11, 23, 7, 0, tzinfo=UTC)
    assert read_moment("29.2 10:00", NOW, ZONE) == datetime(2028, 2, 29, 8, 0, tzinfo=UTC)


def test_a_weekday_already_past_today_is_next_week() -> None:
    assert read_moment("ביום שני 9:00", NOW, ZONE) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert read_moment("ביום שני 18:00", NOW, ZONE) == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("5.1.2027 25:00", Problem("date_input.bad_hour", {"hour": 25})),
        ("5.1.2027 18:75", Problem("date_input.bad_minute", {"minute": 75})),
        ("31.2.2027 10:00", Problem("date_input.no_such_day", {"day": 31, "month": 2})),
        ("12.13 10:00", Problem("date_input.bad_month", {"month": 13})),
        ("32.1 10:00", Problem("date_input.bad_day", {"day": 32})),
        ("24/11/2026", Problem("date_input.no_time")),
        ("18:30", Problem("date_input.no_date")),
        ("מחר", Problem("date_input.no_time")),
        ("", Problem("date_input.unreadable")),
        ("בקרוב", Problem("date_input.unreadable")),
        ("9" * 50, Problem("date_input.unreadable")),
    ],
)
def test_each_mistake_names_the_part_that_is_wrong(typed: str, problem: Problem) -> None:
    assert read_moment(typed, NOW, ZONE) == problem


@pytest.mark.parametrize(
    ("typed", "length"),
    [
        ("2 שעות", timedelta(hours=2)),
        ("90 דקות", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("1.5 hours", timedelta(minutes=90)),
        ("שעתיים", timedelta(hours=2)),
        ("שעה וחצי", timedelta(minutes=90)),
        ("45 min", timedelta(minutes=45)),
    ],
)
def test_lengths_are_typed_with_their_unit(typed: str, length: timedelta) -> None:
    assert read_length(typed) == length


def test_a_bare_number_is_asked_back_rather_than_guessed() -> None:
    assert read_length("30") == Problem("date_input.length_unit", {"number": "30"})
    assert read_length("30 שנים") == Problem("date_input.bad_length")
