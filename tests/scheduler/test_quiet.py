"""Quiet hours: nights, Shabbat and holidays in Israel hold back what can wait."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from models.outbox import Priority
from scheduler.quiet import QuietHours, next_allowed

ISRAEL = ZoneInfo("Asia/Jerusalem")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ISRAEL)


@pytest.mark.parametrize("priority", [Priority.BULK, Priority.NOTICE])
def test_a_bulletin_due_on_friday_evening_waits_until_shabbat_ends(priority: int) -> None:
    after = next_allowed(at(2026, 11, 27, 20, 0), priority).astimezone(ISRAEL)
    assert after.date() == at(2026, 11, 28).date()
    assert time(17, 0) < after.time() < time(18, 0)  # havdalah in late November


def test_friday_afternoon_before_candle_lighting_is_fine() -> None:
    assert next_allowed(at(2026, 11, 27, 14, 0), Priority.BULK) == at(2026, 11, 27, 14, 0)


def test_late_at_night_bulk_waits_until_morning_but_a_reminder_does_not() -> None:
    wednesday_night = at(2026, 11, 25, 23, 30)
    assert next_allowed(wednesday_night, Priority.BULK) == at(2026, 11, 26, 8, 0)
    assert next_allowed(wednesday_night, Priority.REMINDER) == wednesday_night
    assert next_allowed(wednesday_night, Priority.INTERACTIVE) == wednesday_night


def test_a_reminder_two_hours_before_a_sunday_morning_event_goes_at_eight() -> None:
    assert next_allowed(at(2026, 11, 29, 8, 0), Priority.REMINDER) == at(2026, 11, 29, 8, 0)


def test_a_reminder_that_would_fall_on_shabbat_goes_before_it_begins() -> None:
    moved = next_allowed(at(2026, 11, 28, 10, 0), Priority.REMINDER).astimezone(ISRAEL)
    assert moved.date() == at(2026, 11, 27).date()
    assert time(14, 0) < moved.time() < time(15, 30)  # an hour before candle lighting


def test_yom_kippur_2027_holds_everything_but_replies_until_it_ends() -> None:
    during = at(2027, 10, 11, 12, 0)
    ends = next_allowed(during, Priority.BULK).astimezone(ISRAEL)
    assert ends.date() == at(2027, 10, 11).date() and time(18, 0) < ends.time() < time(19, 30)
    assert next_allowed(at(2027, 10, 10, 21, 0), Priority.NOTICE) == ends  # from Kol Nidre on
    begins = next_allowed(during, Priority.REMINDER).astimezone(ISRAEL)
    assert begins.date() == at(2027, 10, 10).date() and begins.time() < time(17, 0)
    assert next_allowed(during, Priority.INTERACTIVE) == during


def test_pesach_2027_first_and_seventh_days_are_quiet_but_chol_hamoed_is_not() -> None:
    first = next_allowed(at(2027, 4, 22, 12, 0), Priority.BULK).astimezone(ISRAEL)
    assert first.date() == at(2027, 4, 22).date() and time(19, 0) < first.time() < time(20, 30)
    seventh = next_allowed(at(2027, 4, 28, 12, 0), Priority.BULK).astimezone(ISRAEL)
    assert seventh.date() == at(2027, 4, 28).date() and time(19, 0) < seventh.time()
    chol_hamoed = at(2027, 4, 25, 12, 0)
    assert next_allowed(chol_hamoed, Priority.BULK) == chol_hamoed


def test_rosh_hashana_on_shabbat_and_sunday_is_one_quiet_stretch() -> None:
    released = next_allowed(at(2027, 10, 2, 12, 0), Priority.BULK).astimezone(ISRAEL)
    assert released.date() == at(2027, 10, 3).date()  # after the second day, not Saturday night


def test_night_hours_are_configurable() -> None:
    early = QuietHours(night_start=time(21, 0), night_end=time(9, 0))
    assert early.next_allowed(at(2026, 11, 24, 21, 30), Priority.BULK) == at(2026, 11, 25, 9, 0)
    assert early.next_allowed(at(2026, 11, 25, 8, 30), Priority.BULK) == at(2026, 11, 25, 9, 0)
