"""Dates and times typed the Israeli way: day first, e.g. 24/11/2026 18:30, 24.11 9:00."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

TYPED = re.compile(
    r"(?P<day>\d{1,2})\s*[./-]\s*(?P<month>\d{1,2})(?:\s*[./-]\s*(?P<year>\d{4}|\d{2}))?"
    r"[\s,]+(?:(?:בשעה|at)\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})",
    re.IGNORECASE,
)


def parse_local(text: str, now: datetime, timezone: str) -> datetime | None:
    """The moment typed as day/month[/year] hour:minute in `timezone`, or None when it is not a
    real date and time. Without a year, the current one."""
    match = TYPED.fullmatch(text.strip())
    if match is None:
        return None
    zone = ZoneInfo(timezone)
    year = match["year"]
    if year is None:
        full_year = now.astimezone(zone).year
    else:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return datetime(
            full_year,
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            tzinfo=zone,
        )
    except ValueError:  # 31/02, 25:00 and the like
        return None
