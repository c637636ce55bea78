"""Two hundred people pressing "confirm" at once for twenty seats: each is told the truth."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.catalog import Event
from models.db import create_engine, sessionmaker
from models.people import Channel, ChannelIdentity
from models.registrations import Registration, RegistrationStatus
from tests.support import NOW, Chat, Clock

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crowds")]
"""Crowds hold many PostgreSQL connections: one crowd at a time (`--dist loadgroup`)."""

SEATS = 20
CROWD = 100


async def test_a_hundred_confirmations_for_twenty_seats_tell_exact_places_in_line(
    database_url: str, db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        session.add(
            Event(
                slug="crowded-workshop",
                content={"he": {"title": "סדנה מבוקשת"}},
                starts_at=NOW + timedelta(days=30),
                capacity=SEATS,
                taken=0,
            )
        )
    crowd_engine = create_engine(database_url, pool_size=20, max_overflow=0, pool_timeout=600)
    engine = Engine(sessionmaker(crowd_engine), EngineConfig(), clock=clock, features=FEATURES)
    people = [Chat(engine, address=f"r{n}") for n in range(CROWD)]
    try:
        for n, person in enumerate(people):
            await person.send("/start ev_crowded-workshop")
            await person.press("להרשמה")
            await person.send(f"אדם {n}")
            await person.send(f"054-7{n:06d}")
            await person.send("יזרעאל")
        await asyncio.gather(*(person.press("כן, לרשום") for person in people))
    finally:
        await crowd_engine.dispose()

    told: dict[str, int] = {}
    for person in people:
        if found := re.search(r"במקום (\d+)", person.text):
            told[person.address] = int(found[1])
        else:
            assert "נרשמתם" in person.text, person.text
    async with sessions() as session:
        rows = await session.execute(
            select(ChannelIdentity.address, Registration.status)
            .join(Registration, Registration.person_id == ChannelIdentity.person_id)
            .where(ChannelIdentity.channel == Channel.CONSOLE)
            .order_by(Registration.id)
        )
        waiting = [address for address, status in rows if status == RegistrationStatus.WAITLISTED]
    assert len(told) == CROWD - SEATS == len(waiting)
    # Arrival order is the order of the rows: the n-th to wait was told "place n".
    assert [told[address] for address in waiting] == list(range(1, CROWD - SEATS + 1))
