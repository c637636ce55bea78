"""Dates as people in Israel read them: Asia/Jerusalem, Hebrew month and day names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time

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


def format_span(
    start: datetime, end: datetime | None, locale: str, timezone: str = DEFAULT_TIMEZONE
) -> str:
    """Start date and time, with the end time when the event ends the same day."""
    text = format_date_time(start, locale, timezone)
    if end is not None and local(end, timezone).date() == local(start, timezone).date():
        text += f"–{format_time(local(end, timezone), 'HH:mm', locale=locale)}"
    return text
