"""Quiet hours: when a proactive message may go out in Israel.

Non-urgent sends (notices, bulk) wait through the night and through Shabbat and Yom Tov, whose
times come from `hdate` (candle lighting and havdalah for the configured location). Reminders for
events keep their time at night — the event will not wait — but one that would land on Shabbat or
a holiday is brought forward to before it begins. Interactive replies are never held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hdate import Location

from locales.dates import DEFAULT_TIMEZONE
from models.outbox import Priority
from models.rest_days import CANDLE_LIGHTING_OFFSET, JERUSALEM, RestPeriod, rest_period


@dataclass(frozen=True)
class QuietHours:
    night_start: time = time(22, 0)
    night_end: time = time(8, 0)
    timezone: str = DEFAULT_TIMEZONE
    location: Location = field(default=JERUSALEM)
    candle_lighting_offset: int = CANDLE_LIGHTING_OFFSET
    reminder_lead: timedelta = timedelta(hours=1)
    """How long before Shabbat begins a reminder that would fall inside it goes out."""

    def next_allowed(self, when: datetime, priority: int) -> datetime:
        """The earliest moment at or after `when` that a message of `priority` may be sent."""
        if priority < Priority.REMINDER:
            return when
        if priority == Priority.REMINDER:
            rest = self.rest_period(when)
            return when if rest is None else rest.begins - self.reminder_lead
        while True:
            moved = self._after_night(when)
            rest = self.rest_period(moved)
            if rest is not None:
                moved = rest.ends
            if moved == when:
                return when
            when = moved

    def rest_period(self, when: datetime) -> RestPeriod | None:
        """The Shabbat or holiday stretch `when` falls in, if any."""
        return rest_period(
            when,
            timezone=self.timezone,
            location=self.location,
            candle_lighting_offset=self.candle_lighting_offset,
        )

    def _after_night(self, when: datetime) -> datetime:
        """`when` itself, or the end of the night it falls in."""
        zone = ZoneInfo(self.timezone)
        local = when.astimezone(zone)
        clock = local.time()
        if self.night_start <= self.night_end:
            at_night = self.night_start <= clock < self.night_end
        else:
            at_night = clock >= self.night_start or clock < self.night_end
        if not at_night:
            return when
        morning = local.date() if clock < self.night_end else local.date() + timedelta(days=1)
        return datetime.combine(morning, self.night_end, tzinfo=zone).astimezone(when.tzinfo)


DEFAULT_QUIET_HOURS = QuietHours()


def next_allowed(when: datetime, priority: int) -> datetime:
    """`QuietHours.next_allowed` with the default night hours and location."""
    return DEFAULT_QUIET_HOURS.next_allowed(when, priority)
