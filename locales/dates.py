"""Dates as people in Israel read them: Asia/Jerusalem, Hebrew month and day names."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

DEFAULT_TIMEZONE = "Asia/Jerusalem"

# Babel's CLDR patterns; Hebrew writes the day and month with the ב־ prefix on the month.
DATE_PATTERNS = {"he": "EEEE, d בMMMM y", "en": "EEEE, d MMMM y"}


def local(dt: datetime, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    return dt.astimezone(ZoneInfo(timezone))


def format_date_time(dt: datetime, locale: str, timezone: str = DEFAULT_TIMEZONE) -> str:
    """E.g. 'יום שלישי, 8 בדצמבר 2026, 09:30' / 'Tuesday, 8 December 2026, 09:30'."""
    when = local(dt, timezone)
    day = format_datetime(when, DATE_PATTERNS.get(locale, DATE_PATTERNS["en"]), locale=locale)
    return f"{day}, {format_time(when, 'HH:mm', locale=locale)}"


def format_day(day: date, locale: str) -> str:
    """E.g. 'יום שלישי, 8 בדצמבר 2026' / 'Tuesday, 8 December 2026'."""
    return format_date(day, DATE_PATTERNS.get(locale, DATE_PATTERNS["en"]), locale=locale)


def format_span(
    start: datetime, end: datetime | None, locale: str, timezone: str = DEFAULT_TIMEZONE
) -> str:
    """Start date and time, then the end: its time when the same day, else its date and time."""
    text = format_date_time(start, locale, timezone)
    if end is None:
        return text
    if local(end, timezone).date() == local(start, timezone).date():
        return f"{text}–{format_time(local(end, timezone), 'HH:mm', locale=locale)}"
    return f"{text} – {format_date_time(end, locale, timezone)}"
