"""The registration state machine: seats, the line, offers that are accepted, declined or lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.people.waitlist import OfferNotices
from models.catalog import Event, EventStatus
from models.people import Person
from models.registration_service import (
    CODE_ALPHABET,
    AcceptResult,
    Availability,
    CancelResult,
    RegistrationClosed,
    accept,
    availability,
    cancel,
    decline,
    expire_due_offers,
    register,
    waitlist_position,
)
from models.registrations import RegistrationStatus
from models.seats import OFFER_TTL, release_stranded
from tests.support import NOW

Sessions = async_sessionmaker[AsyncSession]
OFFERS = OfferNotices(EngineConfig())


async def _setup(
    session: AsyncSession, seats: int | None = 1, people: int = 4
) -> tuple[Event, list[int]]:
    event = Event(
        slug="tiny",
        content={"he": {"title": "קטן"}},
        starts_at=NOW + timedelta(days=10),
        capacity=seats,
        taken=0,
    )
    crowd = [Person(name=f"p{n}", interests=[], roles=[]) for n in range(people)]
    session.add_all([event, *crowd])
    await session.flush()
    return event, [p.id for p in crowd]


async def test_seat_then_line_in_arrival_order_and_a_double_tap_changes_nothing(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        first = await register(session, event, people[0], NOW)
        again = await register(session, event, people[0], NOW)
        second = await register(session, event, people[1], NOW)
        third = await register(session, event, people[2], NOW)
        assert first.registration.status == RegistrationStatus.CONFIRMED
        assert not again.created and again.registration.id == first.registration.id
        assert await waitlist_position(session, second.registration) == 1
        assert await waitlist_position(session, third.registration) == 2
        code = first.registration.checkin_code
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
        await session.refresh(event)
        assert event.taken == 1


async def test_unlimited_events_never_queue(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session, seats=None)
        outcomes = [await register(session, event, p, NOW) for p in people]
        assert {o.registration.status for o in outcomes} == {RegistrationStatus.CONFIRMED}


async def test_cancel_offers_the_seat_and_accept_takes_it(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        seated, waiting, later = [
            (await register(session, event, p, NOW)).registration for p in people[:3]
        ]
        assert await cancel(session, seated, NOW, OFFERS) is CancelResult.CANCELLED
        offered = waiting
        await session.refresh(offered)
        assert offered.status == RegistrationStatus.OFFERED
        assert offered.offer_expires_at == NOW + OFFER_TTL
        # The seat is held for the offer: a newcomer queues behind the people waiting.
        newcomer = (await register(session, event, people[3], NOW)).registration
        assert newcomer.status == RegistrationStatus.WAITLISTED
        assert await accept(session, offered, NOW) is AcceptResult.CONFIRMED
        assert await accept(session, offered, NOW) is AcceptResult.NOT_OFFERED
        await session.refresh(event)
        assert event.taken == 1
        assert await waitlist_position(session, later) == 1


async def test_decline_and_expiry_pass_the_offer_down_the_line(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        seated, a, b, c = [(await register(session, event, p, NOW)).registration for p in people]
        await cancel(session, seated, NOW, OFFERS)
        assert await decline(session, a, NOW, OFFERS)
        await session.refresh(b)
        assert b.status == RegistrationStatus.OFFERED
        assert a.status == RegistrationStatus.DECLINED
        assert await expire_due_offers(session, NOW + OFFER_TTL - timedelta(seconds=1), OFFERS) == 0
        later = NOW + OFFER_TTL
        assert await accept(session, b, later) is AcceptResult.EXPIRED
        assert await expire_due_offers(session, later, OFFERS) == 1
        await session.refresh(c)
        assert c.status == RegistrationStatus.OFFERED and b.status == RegistrationStatus.EXPIRED
        assert c.offer_expires_at == later + OFFER_TTL
        await expire_due_offers(session, later + OFFER_TTL, OFFERS)
        assert c.status == RegistrationStatus.EXPIRED
        await session.refresh(event)
        assert event.taken == 0  # nobody left in line: the seat is simply free again


async def test_coming_back_after_cancelling_queues_at_the_back(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        seated = (await register(session, event, people[0], NOW)).registration
        waiting = (await register(session, event, people[1], NOW)).registration
        await cancel(session, waiting, NOW, OFFERS)
        back = (await register(session, event, people[1], NOW)).registration
        assert back.id > seated.id and back.status == RegistrationStatus.WAITLISTED


async def test_windows_cancellations_and_the_past(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        event.registration_opens_at = NOW + timedelta(days=1)
        assert availability(event, NOW) is Availability.NOT_YET_OPEN
        event.registration_opens_at = None
        event.registration_closes_at = NOW
        assert availability(event, NOW) is Availability.CLOSED
        assert availability(event, NOW + timedelta(days=11)) is Availability.PAST
        event.status = EventStatus.CANCELLED
        with pytest.raises(RegistrationClosed):
            await register(session, event, people[0], NOW)


async def test_a_seat_freed_outside_the_ledger_is_offered_on_the_next_sweep(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        await register(session, event, people[0], NOW)
        waiting = (await register(session, event, people[1], NOW)).registration
        # As when two records of one person holding the seat twice are merged.
        await session.execute(update(Event).where(Event.id == event.id).values(taken=0))
        assert await release_stranded(session, NOW, OFFERS) == 1
        assert await release_stranded(session, NOW, OFFERS) == 0
        await session.refresh(waiting)
        assert waiting.status == RegistrationStatus.OFFERED


async def test_a_checked_in_registration_is_attendance_and_stays(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event, people = await _setup(session)
        arrived = (await register(session, event, people[0], NOW)).registration
        arrived.checked_in_at = NOW
        await session.flush()
        assert await cancel(session, arrived, NOW, OFFERS) is CancelResult.CHECKED_IN
        assert arrived.status == RegistrationStatus.CONFIRMED
        await session.refresh(event)
        assert event.taken == 1
