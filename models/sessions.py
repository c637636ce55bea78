"""Series: an event that meets several times. People register once for the event; each
meeting is a session with its own time, reminders, check-in and attendance.

A series' `Event.starts_at`/`ends_at` are those of its first session still scheduled, so
registration closes when the series begins (or at its own deadline), as for a single event;
`still_ahead` tells whether any session is yet to come, for /my, reminders and the tools.
Sessions come from explicit times or from a rule ("every second Tuesday, 6 times") that skips
the days the Hebrew calendar rests or mourns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from hdate import HDateInfo
from hdate.holidays import Holiday, HolidayTypes
from hdate.translator import context_language
from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.catalog import Event
from models.rest_days import rest_period

MAX_SESSIONS = 60
"""More meetings than a year of weekly ones is a typo in the rule."""
NO_MEETING = frozenset({HolidayTypes.YOM_TOV, HolidayTypes.EREV_YOM_TOV, HolidayTypes.HOL_HAMOED})
"""Festivals, their eves and Chol HaMoed: no movement meeting is held on them."""
NO_MEETING_DAYS = frozenset({"tisha_bav", "yom_hashoah", "yom_hazikaron", "yom_haatzmaut"})
"""Named days with no meetings either. Minor fasts, lesser memorial days, Hanukkah, Purim and
Rosh Chodesh are ordinary working days."""


class SessionStatus(StrEnum):
    """SCHEDULED → CANCELLED (by a coordinator; its registrants are told). A moved session
    stays SCHEDULED at its new time."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class EventSession(Base):
    """One meeting of a series."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[SessionStatus] = mapped_column(String(16), default=SessionStatus.SCHEDULED)


class Attendance(Base):
    """A registration checked in at one session of a series."""

    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seats: Mapped[int] = mapped_column(Integer, default=1, doc="people of the group who came")


class RuleError(ValueError):
    """A repeat rule that names no weekday, no count, or too many meetings."""


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Rule:
    """Meetings on one weekday at one local time: every `every_weeks` weeks, or on the
    `nth` such weekday of each month; `count` of them, skipping days with no meeting."""

    first_day: date
    weekday: int
    at: time
    length: timedelta | None
    count: int
    every_weeks: int = 1
    nth: int | None = None
    skip: frozenset[date] = frozenset()

    def times(self, timezone: str) -> list[tuple[datetime, datetime | None]]:
        """The meetings' (start, end) in UTC, in order."""
        return self.plan(timezone)[0]

    def plan(self, timezone: str) -> tuple[list[tuple[datetime, datetime | None]], list[date]]:
        """The meetings' (start, end) in UTC, in order, and the days the rule passed over
        (no meetings that day, or listed in `skip`) before the last of them."""
        if not 1 <= self.count <= MAX_SESSIONS or self.every_weeks < 1:
            raise RuleError(f"count must be 1–{MAX_SESSIONS}, every_weeks ≥ 1")
        if self.nth is not None and not 1 <= self.nth <= 4:
            raise RuleError("nth must be 1–4")
        zone = ZoneInfo(timezone)
        found: list[tuple[datetime, datetime | None]] = []
        passed: list[date] = []
        for day in self._days():
            starts = datetime.combine(day, self.at, tzinfo=zone).astimezone(UTC)
            ends = None if self.length is None else starts + self.length
            if day not in self.skip and meets_on(starts, ends, timezone):
                found.append((starts, ends))
                if len(found) == self.count:
                    return found, passed
            else:
                passed.append(day)
        raise RuleError("no room for that many meetings within three years")

    def _days(self) -> list[date]:
        shift = (self.weekday - self.first_day.weekday()) % 7
        if self.nth is None:
            first = self.first_day + timedelta(days=shift)
            step = timedelta(weeks=self.every_weeks)
            return [first + step * n for n in range(3 * 53)]
        days = []
        year, month = self.first_day.year, self.first_day.month
        for _ in range(36):
            start = date(year, month, 1)
            day = start + timedelta(days=(self.weekday - start.weekday()) % 7 + 7 * (self.nth - 1))
            if day >= self.first_day:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return days


def meets_on(starts: datetime, ends: datetime | None, timezone: str) -> bool:
    """False on Shabbat, a festival or one of NO_MEETING_DAYS (hdate)."""
    day = starts.astimezone(ZoneInfo(timezone)).date()
    if _keeps_meetings_off(day) is not None:
        return False
    return not (
        rest_period(starts, timezone=timezone) or (ends and rest_period(ends, timezone=timezone))
    )


def holiday_name(day: date, locale: str) -> str | None:
    """The festival, fast or memorial day that keeps meetings off `day`, named in `locale`
    (hdate's names); None when it is Shabbat alone that does."""
    holiday = _keeps_meetings_off(day)
    if holiday is None:
        return None
    token = context_language.set("en" if locale == "en" else "he")
    try:
        return str(holiday)
    finally:
        context_language.reset(token)


@lru_cache(maxsize=4096)
def _keeps_meetings_off(day: date) -> Holiday | None:
    """The festival, fast or memorial day on `day` that keeps meetings off it, if any. Kept
    once found: hdate finds a day's holidays by going through all of them (2 ms a day), and
    a series' rule asks about the same days again each time its catalogue is imported."""
    for holiday in HDateInfo(day).holidays:
        if holiday.type in NO_MEETING or holiday.name in NO_MEETING_DAYS:
            return holiday
    return None


async def sessions_of(
    session: AsyncSession, event_id: int, *, scheduled_only: bool = False
) -> list[EventSession]:
    """The event's sessions in time order (none for a single event)."""
    query = select(EventSession).where(EventSession.event_id == event_id)
    if scheduled_only:
        query = query.where(EventSession.status == SessionStatus.SCHEDULED)
    return list((await session.scalars(query.order_by(EventSession.starts_at))).all())


async def next_session(session: AsyncSession, event_id: int, now: datetime) -> EventSession | None:
    """The next scheduled session still to start, or None."""
    return await session.scalar(
        select(EventSession)
        .where(
            EventSession.event_id == event_id,
            EventSession.status == SessionStatus.SCHEDULED,
            EventSession.starts_at > now,
        )
        .order_by(EventSession.starts_at)
        .limit(1)
    )


def is_series() -> ColumnElement[bool]:
    """Whether the event in the query has sessions."""
    return exists().where(EventSession.event_id == Event.id)


def still_ahead(now: datetime) -> ColumnElement[bool]:
    """The event in the query starts later, or is a series with a session still to start."""
    upcoming = exists().where(
        EventSession.event_id == Event.id,
        EventSession.status == SessionStatus.SCHEDULED,
        EventSession.starts_at > now,
    )
    return or_(Event.starts_at > now, upcoming)


async def follow_first(session: AsyncSession, event: Event) -> None:
    """Keep the event's own start and end those of its first scheduled session."""
    scheduled = await sessions_of(session, event.id, scheduled_only=True)
    if scheduled:
        event.starts_at, event.ends_at = scheduled[0].starts_at, scheduled[0].ends_at


async def attended(session: AsyncSession, registration_ids: list[int]) -> dict[int, int]:
    """Sessions each registration was checked in at."""
    if not registration_ids:
        return {}
    rows = await session.execute(
        select(Attendance.registration_id, func.count())
        .where(Attendance.registration_id.in_(registration_ids))
        .group_by(Attendance.registration_id)
    )
    return {registration_id: int(count) for registration_id, count in rows}


async def is_ahead(session: AsyncSession, event: Event, now: datetime) -> bool:
    """Whether the event, or a session of it, is still to start."""
    return event.starts_at > now or await next_session(session, event.id, now) is not None


async def has_sessions(session: AsyncSession, event_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(EventSession.event_id == event_id))))
