"""What coordinators type into the event forms, read the Israeli way, with the reason when not.

Each reader returns a value or a `Problem` naming the catalogue message that explains it, so
the form and the edit tools answer bad input in the same words.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.core.context import clean_text
from handlers.inputs.date_input import CLOCK, Problem, read_length, read_moment

MAX_TITLE = 120
MAX_PLACE = 200
MAX_CAPACITY = 100_000
MAX_HOURS = 240
MAX_LENGTH = timedelta(hours=MAX_HOURS)
"""A multi-day course is at most ten days long; longer ones are series of events."""
HORIZON = timedelta(days=3 * 365)
"""Further ahead than this is a typo in the year."""


def line(text: str, limit: int) -> str | Problem:
    """One line of text with at least one letter, at most `limit` characters."""
    text = " ".join(clean_text(text).split())
    if len(text) > limit:
        return Problem("event_input.too_long", {"limit": limit, "length": len(text)})
    if not any(ch.isalpha() for ch in text):
        return Problem("event_input.no_letters")
    return text


def start(text: str, now: datetime, timezone: str) -> datetime | Problem:
    """'12.1.2027 18:30' or any other way `read_moment` reads, as a UTC moment still ahead."""
    moment = read_moment(clean_text(text), now, timezone)
    if isinstance(moment, Problem):
        return moment
    if moment <= now:
        return Problem("event_input.past")
    if moment > now + HORIZON:
        return Problem("event_input.too_far")
    return moment


def end(text: str, starts_at: datetime, timezone: str) -> datetime | Problem:
    """An end time the same day ('16:00') or a length with its unit ('2 שעות', '90 דקות')."""
    text = clean_text(text)
    if found := CLOCK.fullmatch(text):
        hour, minute = (int(part) for part in found.groups())
        try:
            ends = starts_at.astimezone(ZoneInfo(timezone)).replace(hour=hour, minute=minute)
        except ValueError:
            return Problem("event_input.bad_end")
        if ends <= starts_at:
            return Problem("event_input.end_before_start")
        return ends.astimezone(UTC)
    length = read_length(text)
    if isinstance(length, Problem):
        return length
    if not timedelta(0) < length <= MAX_LENGTH:
        return Problem("event_input.bad_length", {"hours": MAX_HOURS})
    return starts_at + length


def capacity(text: str) -> int | Problem | None:
    """A whole number of seats, 1 to MAX_CAPACITY, or 0 for unlimited (None).
    Typed rather than a button: text-only channels would read a typed "1" as option 1."""
    text = clean_text(text).replace(",", "")
    if text.isdigit() and text.isascii() and int(text) <= MAX_CAPACITY:
        return int(text) or None
    return Problem("event_input.bad_capacity", {"limit": MAX_CAPACITY})


__all__ = ["Problem", "capacity", "end", "line", "start"]
