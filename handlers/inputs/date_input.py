"""Dates, times and lengths typed the Israeli way, read by one reader for every flow.

Day first (12.1, 12/1/2027, 12-1-27), ISO dates (2027-01-12), and the words people put around
them ("ב-12.1 בשעה 18:30", "מחר 9:00", "ביום שלישי 18:00", "tomorrow at 9:00"). A date
without a year is its next occurrence. What cannot be read comes back as a `Problem` naming
the part that is wrong, so every flow answers bad input in the same words. Lengths carry
their unit ("2 שעות", "90 דקות", "2h").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY_MONTH = re.compile(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?")
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")
HOUR = re.compile(r"(\d{1,2})()")
"""A whole hour after a date: "מחר בשעה 9"."""
PREFIX = re.compile(r"^ב[-־]?(?=\d)|^ב(?=(?:ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת)$)")
FILLER = {"בשעה", "ביום", "יום", "ב", "ב-", "ב־", "at", "on", "the", "של", "-", "—", "–"}
DAYS_AHEAD = {"היום": 0, "today": 0, "מחר": 1, "tomorrow": 1, "מחרתיים": 2}
WEEKDAYS = {
    "שני": 0,
    "שלישי": 1,
    "רביעי": 2,
    "חמישי": 3,
    "שישי": 4,
    "שבת": 5,
    "ראשון": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
LEAP_YEAR = 2000
"""Checks a year-less day against the longest calendar (29.2 exists)."""
LEAP_CYCLE = 8
"""The longest wait for a 29.2 (2096 to 2104); every other day comes within a year."""
MAX_LENGTH = 40
"""Longer text is not a date someone typed."""


@dataclass(frozen=True)
class Problem:
    """Why input was not taken: a message key and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Parts:
    day: date | None = None
    year_given: bool = True
    weekday: int | None = None
    ahead: int | None = None
    clock: tuple[int, int] | None = None


def read_moment(text: str, now: datetime, timezone: str) -> datetime | Problem:
    """The moment typed, in UTC, or the Problem with what was typed."""
    zone = ZoneInfo(timezone)
    parts = _parts(text)
    if isinstance(parts, Problem):
        return parts
    if parts.clock is None:
        return Problem("date_input.no_time")
    hour, minute = parts.clock
    if hour > 23:
        return Problem("date_input.bad_hour", {"hour": hour})
    if minute > 59:
        return Problem("date_input.bad_minute", {"minute": minute})
    today = now.astimezone(zone).date()

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)

    if parts.ahead is not None:
        return at(today + timedelta(days=parts.ahead))
    if parts.weekday is not None:
        soonest = today + timedelta(days=(parts.weekday - today.weekday()) % 7)
        return at(soonest) if at(soonest) > now else at(soonest + timedelta(days=7))
    if parts.day is None:
        return Problem("date_input.no_date")
    if parts.year_given:
        return at(parts.day)
    month, day = parts.day.month, parts.day.day
    days = (_valid(year, month, day) for year in range(today.year, today.year + LEAP_CYCLE + 1))
    return next(at(found) for found in days if found is not None and at(found) > now)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29.2 outside a leap year
        return None


def _parts(text: str) -> _Parts | Problem:
    """Split typed text into its date, day-word and clock parts."""
    tokens = [
        PREFIX.sub("", token)
        for token in text[: MAX_LENGTH + 1].casefold().replace(",", " ").split()
        if token not in FILLER
    ]
    if not tokens or len(text) > MAX_LENGTH:
        return Problem("date_input.unreadable")
    parts = _Parts()
    for token in tokens:
        dated = parts.day is not None or parts.weekday is not None or parts.ahead is not None
        clock = CLOCK.fullmatch(token) or (HOUR.fullmatch(token) if dated else None)
        if token in DAYS_AHEAD and not dated:
            parts = _Parts(ahead=DAYS_AHEAD[token], clock=parts.clock)
        elif token in WEEKDAYS and parts.ahead is None:
            parts = _Parts(parts.day, parts.year_given, WEEKDAYS[token], None, parts.clock)
        elif clock is not None and parts.clock is None and (dated or ":" in token):
            parts = _Parts(parts.day, parts.year_given, parts.weekday, parts.ahead, _clock(clock))
        elif parts.day is None and (day := _date(token)) is not None:
            if isinstance(day, Problem):
                return day
            parts = _Parts(day[0], day[1], parts.weekday, parts.ahead, parts.clock)
        else:
            return Problem("date_input.unreadable")
    return parts


def _clock(found: re.Match[str]) -> tuple[int, int]:
    return int(found[1]), int(found[2] or 0)


def _date(token: str) -> tuple[date, bool] | Problem | None:
    """A day-first or ISO date and whether it had a year; None when the token is no date."""
    if found := ISO.fullmatch(token):
        year, month, day = (int(part) for part in found.groups())
    elif found := DAY_MONTH.fullmatch(token):
        day, month = int(found[1]), int(found[2])
        typed_year = found[3]
        year = 0 if typed_year is None else int(typed_year) + (2000 if len(typed_year) == 2 else 0)
    else:
        return None
    if not 1 <= month <= 12:
        return Problem("date_input.bad_month", {"month": month})
    if not 1 <= day <= 31:
        return Problem("date_input.bad_day", {"day": day})
    try:
        return date(year or LEAP_YEAR, month, day), year != 0
    except ValueError:  # 31.4, or 29.2 outside a leap year
        return Problem("date_input.no_such_day", {"day": day, "month": month})


LENGTH = re.compile(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*([^\d\s].*)?")
UNITS = {
    **dict.fromkeys(("שעות", "שעה", "ש", "ש׳", "h", "hr", "hrs", "hour", "hours"), 60),
    **dict.fromkeys(("דקות", "דקה", "דק", "דק׳", "m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("ימים", "יום", "d", "day", "days"), 24 * 60),
}
WORDS = {"שעה": 60, "שעתיים": 120, "שעה וחצי": 90, "חצי שעה": 30, "an hour": 60}
"""Lengths people write without a number."""


def read_length(text: str) -> timedelta | Problem:
    """A length with its unit ("2 שעות", "90 דקות", "2h", "שעתיים"); a bare number is asked back,
    since "30" may mean minutes or hours."""
    typed = " ".join(text.casefold().split())
    if typed in WORDS:
        return timedelta(minutes=WORDS[typed])
    found = LENGTH.fullmatch(typed)
    if found is None:
        return Problem("date_input.bad_length")
    number = found[1].replace(",", ".")
    if found[2] is None:
        return Problem("date_input.length_unit", {"number": number})
    minutes = UNITS.get(found[2].strip())
    if minutes is None:
        return Problem("date_input.bad_length")
    return timedelta(minutes=float(number) * minutes)
