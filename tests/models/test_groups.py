"""Groups on the seat ledger: a group takes a seat for each of its people at once, waits whole,
or — agreed to split — takes the seats there are; the ledger stays exact under a crowd."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.catalog import Event
from models.db import create_engine, sessionmaker
from models.people import Person
from models.registration_service import cancel, register
from models.registrations import Registration, RegistrationStatus
from models.seats import HOLDING
from tests.support import NOW, OFFERS

Sessions = async_sessionmaker[AsyncSession]
FOUR = ["אורי", "מאיה", "יואב"]
"""The registrant's three companions: a group of four."""


async def _event(sessions: Sessions, capacity: int, people: int) -> tuple[int, list[int]]:
    async with sessions() as session, session.begin():
        event = Event(
            slug="travelling-workshop",
            content={"he": {"title": "סדנה נודדת"}},
            starts_at=NOW + timedelta(days=30),
            capacity=capacity,
            taken=0,
        )
        crowd = [Person(name=f"person {n}", interests=[], roles=[]) for n in range(people)]
        session.add_all([event, *crowd])
        await session.flush()
        return event.id, [person.id for person in crowd]


async def _register(
    sessions: Sessions, event_id: int, person_id: int, guests: list[str], split: bool = False
) -> Registration:
    async with sessions() as session, session.begin():
        event = await session.get(Event, event_id)
        assert event is not None
        outcome = await register(session, event, person_id, NOW, guests=guests, split=split)
        return outcome.registration


async def _taken(sessions: Sessions, event_id: int) -> int:
    async with sessions() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        return event.taken


async def test_a_group_of_four_waits_whole_for_three_seats(sessions: Sessions) -> None:
    event_id, (first, second, group, late) = await _event(sessions, capacity=5, people=4)
    await _register(sessions, event_id, first, [])
    await _register(sessions, event_id, second, [])
    waiting = await _register(sessions, event_id, group, FOUR)
    assert (waiting.status, waiting.seats, waiting.guests) == (
        RegistrationStatus.WAITLISTED,
        4,
        FOUR,
    )
    assert await _taken(sessions, event_id) == 2  # the three seats stay free
    behind = await _register(sessions, event_id, late, [])
    assert behind.status == RegistrationStatus.WAITLISTED  # the group keeps its place in line

    async with sessions() as session, session.begin():
        mine = await session.get(Registration, (await _register(sessions, event_id, first, [])).id)
        assert mine is not None
        await cancel(session, mine, NOW, OFFERS)
    async with sessions() as session:
        offered = await session.get(Registration, waiting.id)
        assert offered is not None
        assert (offered.status, offered.seats) == (RegistrationStatus.OFFERED, 4)
    assert await _taken(sessions, event_id) == 5  # one confirmed and four held for the offer


async def test_a_group_that_agreed_to_split_takes_the_three_seats(sessions: Sessions) -> None:
    event_id, (first, second, group) = await _event(sessions, capacity=5, people=3)
    await _register(sessions, event_id, first, [])
    await _register(sessions, event_id, second, [])
    seated = await _register(sessions, event_id, group, FOUR, split=True)
    assert (seated.status, seated.seats, seated.guests) == (
        RegistrationStatus.CONFIRMED,
        3,
        FOUR[:2],
    )
    assert await _taken(sessions, event_id) == 5
    async with sessions() as session, session.begin():
        mine = await session.get(Registration, seated.id)
        assert mine is not None
        await cancel(session, mine, NOW, OFFERS)
    assert await _taken(sessions, event_id) == 2  # all three seats came back


async def test_groups_and_singles_at_once_never_overbook(
    database_url: str, db: AsyncEngine, sessions: Sessions
) -> None:
    seats, crowd = 30, 120
    event_id, people = await _event(sessions, capacity=seats, people=crowd)
    pool = 8 if database_url.startswith("sqlite") else 30
    crowd_engine = create_engine(database_url, pool_size=pool, max_overflow=0, pool_timeout=600)
    attempts = sessionmaker(crowd_engine)
    sizes = random.Random(18)

    async def attempt(person_id: int) -> None:
        guests = [f"guest {n}" for n in range(sizes.choice([0, 0, 1, 3, 5]))]
        async with attempts() as session, session.begin():
            event = await session.get(Event, event_id)
            assert event is not None
            await register(session, event, person_id, NOW, guests=guests, split=person_id % 2 == 0)

    try:
        await asyncio.gather(*(attempt(person_id) for person_id in people))
    finally:
        await crowd_engine.dispose()
    async with sessions() as session:
        held = await session.scalar(
            select(func.sum(Registration.seats)).where(
                Registration.event_id == event_id, Registration.status.in_(HOLDING)
            )
        )
        total = await session.scalar(select(func.count()).where(Registration.event_id == event_id))
    assert await _taken(sessions, event_id) == held
    assert held is not None and held <= seats
    assert total == crowd
