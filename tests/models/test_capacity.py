"""A crowd registering at once never overbooks, and the waiting list keeps arrival order."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.catalog import Event
from models.db import create_engine, sessionmaker
from models.people import Person
from models.registration_service import register, waitlist_position
from models.registrations import Registration, RegistrationStatus
from tests.support import NOW

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crowds")]
"""Crowds hold many PostgreSQL connections: one crowd at a time (`--dist loadgroup`)."""

SEATS = 30
CROWD = 300
"""Several times the connections open at once: the crowd contends for the seats all along."""


async def _event_and_crowd(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, list[int]]:
    async with sessions() as session, session.begin():
        event = Event(
            slug="travelling-workshop",
            content={"he": {"title": "סדנה נודדת"}},
            starts_at=NOW + timedelta(days=30),
            capacity=SEATS,
            taken=0,
        )
        people = [Person(name=f"person {n}", interests=[], roles=[]) for n in range(CROWD)]
        session.add_all([event, *people])
        await session.flush()
        return event.id, [person.id for person in people]


async def _register_all(url: str, event_id: int, people: list[int], pool: int) -> None:
    """Each attempt in its own session and transaction, all at once."""
    crowd_engine = create_engine(url, pool_size=pool, max_overflow=0, pool_timeout=600)
    crowd = sessionmaker(crowd_engine)

    async def attempt(person_id: int) -> None:
        async with crowd() as session, session.begin():
            event = await session.get(Event, event_id)
            assert event is not None
            await register(session, event, person_id, NOW)

    try:
        await asyncio.gather(*(attempt(person_id) for person_id in people))
    finally:
        await crowd_engine.dispose()


async def _assert_thirty_seated_in_arrival_order(
    sessions: async_sessionmaker[AsyncSession], event_id: int
) -> None:
    async with sessions() as session:
        event = await session.get(Event, event_id)
        assert event is not None and event.taken == SEATS
        rows = (
            await session.scalars(
                select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.id)
            )
        ).all()
        statuses = [row.status for row in rows]
        assert len(rows) == CROWD
        assert statuses == [RegistrationStatus.CONFIRMED] * SEATS + [
            RegistrationStatus.WAITLISTED
        ] * (CROWD - SEATS)
        waiting = rows[SEATS:]
        assert await waitlist_position(session, waiting[0]) == 1
        assert await waitlist_position(session, waiting[-1]) == CROWD - SEATS
        codes = await session.scalar(select(func.count(func.distinct(Registration.checkin_code))))
        assert codes == CROWD


async def test_three_hundred_at_once_fill_thirty_seats_and_queue_the_rest(
    database_url: str, db: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    event_id, people = await _event_and_crowd(sessions)
    # SQLite serialises writers anyway (BEGIN IMMEDIATE); a few connections are plenty.
    pool = 8 if database_url.startswith("sqlite") else 20
    await _register_all(database_url, event_id, people, pool)
    await _assert_thirty_seated_in_arrival_order(sessions, event_id)


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from tests.models.test_capacity import _register_all
    url, event_id, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    asyncio.run(_register_all(url, event_id, list(range(first, last + 1)), 10))
    """
)


async def test_two_processes_share_thirty_seats_on_postgresql(
    database_url: str, db: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several processes writing at once is the PostgreSQL deployment")
    event_id, people = await _event_and_crowd(sessions)
    half = CROWD // 2
    halves = [people[:half], people[half:]]
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHILD,
            database_url,
            str(event_id),
            str(part[0]),
            str(part[-1]),
            stderr=subprocess.PIPE,
        )
        for part in halves
    ]
    for child in children:
        _, err = await child.communicate()
        assert child.returncode == 0, err.decode()
    await _assert_thirty_seated_in_arrival_order(sessions, event_id)
