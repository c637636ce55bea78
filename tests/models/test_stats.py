"""Registrations per week fall into Israeli weeks, Sunday to Saturday, in Jerusalem time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event
from models.registration_service import register
from models.roles import Authority, RoleScope
from models.stats import WEEKS, gather, week_starts
from tests.scheduler.support import someone
from tests.support import NOW

ISRAEL = ZoneInfo("Asia/Jerusalem")


def test_weeks_start_on_sunday_midnight_in_jerusalem() -> None:
    saturday_night = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)  # already Sunday in Israel
    starts = week_starts(saturday_night, "Asia/Jerusalem")
    assert len(starts) == WEEKS
    assert starts[-1] == datetime(2026, 11, 22, tzinfo=ISRAEL)
    assert starts[0] == datetime(2026, 11, 22, tzinfo=ISRAEL) - timedelta(weeks=WEEKS - 1)


async def test_each_registration_counts_in_the_week_it_was_made(
    sessions: async_sessionmaker[AsyncSession], catalog: None
) -> None:
    made = [
        NOW,
        NOW - timedelta(days=1),  # Sunday: this week
        NOW - timedelta(days=2),  # Saturday: last week
        NOW - timedelta(weeks=WEEKS),  # before the chart begins
    ]
    async with sessions() as session, session.begin():
        forum = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert forum is not None
        for number, when in enumerate(made):
            person = await someone(session, f"60{number}")
            await register(session, forum, person.person_id, when)

    async with sessions() as session:
        stats = await gather(session, Authority(0, RoleScope.NATIONAL), NOW, "Asia/Jerusalem")
    assert [count for _, count in stats.weeks] == [0] * (WEEKS - 2) + [1, 2]
    assert stats.by_region == [("north", 4)]
