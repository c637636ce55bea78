"""The seat ledger: the one place seats are taken, given back and offered to the waiting list.

An event's `taken` counts the seats confirmed plus the seats held for an open offer, so
"seats left" is capacity − taken wherever it is shown or checked. Whatever may free a seat
(a cancellation, a declined or lapsed offer, more capacity, a deleted person, an import) ends
in `release_seats`, which offers the free seats to the waiting list in the same transaction
and hands each offer to the announcer its caller must supply: no path frees a seat and forgets
the people in line. Every change to one event's seats first takes a row lock on the event, so
they happen one at a time per event on PostgreSQL too (SQLite has a single writer anyway); that
also makes the place in line told to a newcomer exact.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, EventStatus
from models.outbox import OutboxMessage, withdraw
from models.registrations import Registration, RegistrationStatus

OFFER_TTL = timedelta(hours=12)
"""How long a waitlisted person has to accept a freed seat."""

HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
"""Statuses that hold one of the event's seats."""


class Announce(Protocol):
    """Queues the message telling a waitlisted person a seat is theirs to accept."""

    async def __call__(self, session: AsyncSession, offer: Registration, now: datetime) -> None:
        """Queue the offer message for `offer`, in the caller's transaction."""
        ...


def seats_left(event: Event) -> int | None:
    """Seats nobody holds or has been offered; None for an event without a capacity."""
    return None if event.capacity is None else max(event.capacity - event.taken, 0)


def offer_key(registration_id: int) -> str:
    """The dedupe key of the offer message for a registration."""
    return f"offer:{registration_id}"


async def lock_event(session: AsyncSession, event_id: int) -> Event | None:
    """The event, fresh from the database and locked until the transaction ends."""
    return await session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def take_seat(session: AsyncSession, event_id: int, count: int = 1) -> bool:
    """The only way seats are taken: one conditional UPDATE, never a read followed by a write;
    `count` seats at once (a group) or none."""
    room = or_(Event.capacity.is_(None), Event.taken + count <= Event.capacity)
    result = await session.execute(
        update(Event)
        .where(Event.id == event_id, room)
        .values(taken=Event.taken + count)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def seat_group(session: AsyncSession, event_id: int, wanted: int, split: bool) -> int:
    """Seats for a registration of `wanted` people: all of them, or — when the registrant
    agreed to split the group — as many as are free; returns how many were taken (0: none,
    the group waits whole). The event must be locked by the caller."""
    if await take_seat(session, event_id, wanted):
        return wanted
    if not split:
        return 0
    free = await session.scalar(
        select(Event.capacity - Event.taken)
        .where(Event.id == event_id)
        .execution_options(populate_existing=True)
    )
    if free and 0 < free < wanted and await take_seat(session, event_id, free):
        return int(free)
    return 0


async def give_back(session: AsyncSession, event_id: int, count: int = 1) -> None:
    """Return `count` seats; `release_seats` must follow in the same transaction."""
    await session.execute(
        update(Event)
        .where(Event.id == event_id, Event.taken >= count)
        .values(taken=Event.taken - count)
        .execution_options(synchronize_session=False)
    )


async def release_seats(
    session: AsyncSession, event_id: int, now: datetime, announce: Announce
) -> list[Registration]:
    """Offer every free seat of an event still ahead to the waiting list, first come first
    offered, each seat held for its offer until accepted, declined or lapsed; returns the
    offers made (already announced)."""
    event = await lock_event(session, event_id)
    if event is None or event.status != EventStatus.PUBLISHED or event.starts_at <= now:
        return []
    expires = min(now + OFFER_TTL, event.starts_at)
    offers: list[Registration] = []
    while True:
        candidate = await session.scalar(
            select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.id)
            .limit(1)
        )
        # First come first offered: a group that waits whole keeps the people behind it waiting.
        seated = (
            0
            if candidate is None
            else await seat_group(session, event_id, candidate.seats, candidate.split)
        )
        if candidate is None or not seated:
            if offers:
                await session.refresh(event)  # the seats were taken by a statement, not by it
            return offers
        waitlisted = (RegistrationStatus.WAITLISTED,)
        offered = RegistrationStatus.OFFERED
        if not await move(
            session,
            candidate,
            offered,
            waitlisted,
            now,
            offer_expires_at=expires,
            seats=seated,
            guests=candidate.guests[: seated - 1],
        ):
            await give_back(session, event_id, seated)  # withdrawn meanwhile; try the next
            continue
        await announce(session, candidate, now)
        offers.append(candidate)


async def release_stranded(session: AsyncSession, now: datetime, announce: Announce) -> int:
    """Offer seats that are free while people wait — left so by a path outside the ledger,
    such as two records of one person merged — and return how many offers were made."""
    waiting = exists().where(
        Registration.event_id == Event.id, Registration.status == RegistrationStatus.WAITLISTED
    )
    stranded = await session.scalars(
        select(Event.id).where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            or_(Event.capacity.is_(None), Event.taken < Event.capacity),
            waiting,
        )
    )
    made = 0
    for event_id in stranded.all():
        made += len(await release_seats(session, event_id, now, announce))
    return made


async def set_capacity(
    session: AsyncSession, event: Event, capacity: int | None, now: datetime, announce: Announce
) -> list[Registration] | None:
    """Change the number of seats, never below those confirmed or held for an offer (None
    then); new seats are offered to the waiting list at once, and those offers returned."""
    locked = await lock_event(session, event.id)
    if locked is None or (capacity is not None and capacity < locked.taken):
        return None
    locked.capacity = capacity
    await session.flush()
    return await release_seats(session, event.id, now, announce)


async def withdraw_offer(session: AsyncSession, registration_id: int) -> None:
    """Skip the offer message if it has not gone out: the offer was answered or lapsed."""
    await withdraw(session, OutboxMessage.dedupe_key == offer_key(registration_id))


async def move(
    session: AsyncSession,
    registration: Registration,
    to: RegistrationStatus,
    expected: tuple[RegistrationStatus, ...],
    now: datetime,
    *conditions: ColumnElement[bool],
    **values: Any,
) -> bool:
    """Change the status only if it is still one of `expected`; reload the row either way."""
    result = await session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.in_(expected), *conditions)
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(registration)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
