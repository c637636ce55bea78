"""The response team's numbers: leads by track and how many went on to register."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, Track
from models.people import Channel, identify
from models.registration_service import register
from models.registrations import Lead
from models.roles import Authority, RoleScope
from models.team_stats import team_stats
from tests.support import NOW

pytestmark = pytest.mark.usefixtures("catalog")


async def test_leads_by_track_count_those_who_registered_for_its_events_afterwards(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        nahal = await session.scalar(select(Track).where(Track.slug == "nahal-kibbutz"))
        evening = await session.scalar(select(Event).where(Event.slug == "nahal-open-evening"))
        assert nahal is not None and evening is not None
        people = [
            (await identify(session, Channel.TELEGRAM, str(n), None, NOW)).person_id
            for n in range(3)
        ]
        for person_id in people:
            session.add(Lead(person_id=person_id, track_id=nahal.id, created_at=NOW))
        await session.flush()
        await register(session, evening, people[0], NOW + timedelta(days=1), Channel.TELEGRAM)
    national = Authority(0, RoleScope.NATIONAL)
    southern = Authority(0, RoleScope.REGIONAL, regions=frozenset({"south"}))
    async with sessions() as session:
        numbers = await team_stats(session, national)
        assert [(t.slug, leads, became) for t, leads, became in numbers.leads] == [
            ("nahal-kibbutz", 3, 1)
        ]
        assert (numbers.asked, numbers.answered, numbers.median_first_answer) == (0, 0, None)
        assert (await team_stats(session, southern)).leads == []
