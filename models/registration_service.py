"""Registering for events without ever overbooking: a conditional seat update, a waiting list in
arrival order, and offers of freed seats that expire.

Every change of status is a conditional UPDATE on the status it expects, so two processes (a
double tap, the expiry job racing an accept) can never both act on the same registration.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, EventStatus
from models.registrations import ACTIVE, Registration, RegistrationStatus
from models.reminders import withdraw_reminders

OFFER_TTL = timedelta(hours=12)
"""How long a waitlisted person has to accept a freed seat."""

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Check-in codes avoid look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B) so they can be read aloud."""
CODE_LENGTH = 6

WAITING = (RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)


class Availability(StrEnum):
    """Whether an event takes registrations at a given moment."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    PAST = "past"
    CANCELLED = "cancelled"
    UNPUBLISHED = "unpublished"


class AcceptResult(StrEnum):
    """What became of an accepted offer."""

    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    FULL = "full"
    NOT_OFFERED = "not_offered"


class RegistrationClosed(Exception):
    def __init__(self, availability: Availability) -> None:
        super().__init__(availability.value)
        self.availability = availability


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    created: bool
    """False when the person was already registered (a double tap): nothing changed."""


def availability(event: Event, now: datetime) -> Availability:
    """Status first, then the start time, then the registration window."""
    if event.status == EventStatus.CANCELLED:
        return Availability.CANCELLED
    if event.status != EventStatus.PUBLISHED:
        return Availability.UNPUBLISHED
    if event.starts_at <= now:
        return Availability.PAST
    if event.registration_opens_at and now < event.registration_opens_at:
        return Availability.NOT_YET_OPEN
    if event.registration_closes_at and now >= event.registration_closes_at:
        return Availability.CLOSED
    return Availability.OPEN


async def register(
    session: AsyncSession, event: Event, person_id: int, now: datetime, channel: str | None = None
) -> Outcome:
    """A seat if one is free and nobody waits for it, else a place at the end of the line."""
    state = availability(event, now)
    if state is not Availability.OPEN:
        raise RegistrationClosed(state)
    existing = await session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.person_id == person_id
        )
    )
    if existing is not None:
        if existing.status in ACTIVE:
            return Outcome(existing, created=False)
        # Coming back after cancelling: a new row, so the new arrival queues at the back.
        await session.delete(existing)
        await session.flush()
    # People already waiting come before newcomers, even when a seat is momentarily free.
    waiting = await session.scalar(
        select(exists().where(Registration.event_id == event.id, Registration.status.in_(WAITING)))
    )
    seated = not waiting and await _take_seat(session, event.id)
    # The seat is taken before the row is inserted: while the seat update holds the event's row
    # lock no later arrival can get a lower id, so confirmed ids precede waitlisted ones.
    registration = Registration(
        event_id=event.id,
        person_id=person_id,
        status=RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITLISTED,
        checkin_code=await _new_code(session),
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    session.add(registration)
    await session.flush()
    return Outcome(registration, created=True)


async def waitlist_position(session: AsyncSession, registration: Registration) -> int:
    """1 for the first in line: arrival (id) order among those still waiting."""
    count = await session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id <= registration.id,
        )
    )
    return int(count or 0)


async def cancel(
    session: AsyncSession, registration: Registration, now: datetime
) -> Registration | None:
    """Withdraw; a released seat is offered to the first in line, who is returned."""
    if registration.status == RegistrationStatus.OFFERED:
        return await decline(session, registration, now)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    if not await _move(session, registration, RegistrationStatus.CANCELLED, ACTIVE, now):
        return None
    await withdraw_reminders(session, [registration.id])
    if not was_confirmed:
        return None
    await session.execute(
        update(Event)
        .where(Event.id == registration.event_id, Event.taken > 0)
        .values(taken=Event.taken - 1)
        .execution_options(synchronize_session=False)
    )
    return await offer_next(session, registration.event_id, now)


async def decline(
    session: AsyncSession, registration: Registration, now: datetime
) -> Registration | None:
    """Turn down an offered seat; it goes to the next in line, who is returned."""
    offered = (RegistrationStatus.OFFERED,)
    if not await _move(session, registration, RegistrationStatus.DECLINED, offered, now):
        return None
    return await offer_next(session, registration.event_id, now)


async def accept(session: AsyncSession, registration: Registration, now: datetime) -> AcceptResult:
    """Take the offered seat, if the offer still stands and the seat is still there."""
    if registration.status != RegistrationStatus.OFFERED:
        return AcceptResult.NOT_OFFERED
    if registration.offer_expires_at and registration.offer_expires_at <= now:
        return AcceptResult.EXPIRED  # the expiry job releases the seat to the next in line
    still_offered = Registration.offer_expires_at > now
    offered = (RegistrationStatus.OFFERED,)
    if not await _move(
        session, registration, RegistrationStatus.CONFIRMED, offered, now, still_offered
    ):
        return AcceptResult.NOT_OFFERED
    if await _take_seat(session, registration.event_id):
        return AcceptResult.CONFIRMED
    # Someone took the seat in a rare race (or the capacity shrank): back in line, same place.
    back = (RegistrationStatus.CONFIRMED,)
    await _move(
        session, registration, RegistrationStatus.WAITLISTED, back, now, offer_expires_at=None
    )
    return AcceptResult.FULL


async def offer_next(session: AsyncSession, event_id: int, now: datetime) -> Registration | None:
    """Offer a freed seat to the first waitlisted person of an event that has not started yet."""
    event = await session.get(Event, event_id)
    if event is None or event.status != EventStatus.PUBLISHED or event.starts_at <= now:
        return None
    expires = min(now + OFFER_TTL, event.starts_at)
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
        if candidate is None:
            return None
        waitlisted = (RegistrationStatus.WAITLISTED,)
        moved = await _move(
            session,
            candidate,
            RegistrationStatus.OFFERED,
            waitlisted,
            now,
            offer_expires_at=expires,
        )
        if moved:
            return candidate
        # Another process offered this one meanwhile; the next query sees it and moves on.


async def expire_due_offers(session: AsyncSession, now: datetime) -> list[Registration]:
    """Expire offers past their time and offer each seat to the next in line (returned)."""
    query = select(Registration).where(
        Registration.status == RegistrationStatus.OFFERED, Registration.offer_expires_at <= now
    )
    offers: list[Registration] = []
    for due in (await session.scalars(query.order_by(Registration.id))).all():
        lapsed = Registration.offer_expires_at <= now
        offered = (RegistrationStatus.OFFERED,)
        if await _move(session, due, RegistrationStatus.EXPIRED, offered, now, lapsed):
            following = await offer_next(session, due.event_id, now)
            if following is not None:
                offers.append(following)
    return offers


async def active_registrations(
    session: AsyncSession, person_id: int, now: datetime
) -> list[tuple[Registration, Event]]:
    """The person's current registrations for events still ahead, soonest first."""
    rows = await session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id == person_id,
            Registration.status.in_(ACTIVE),
            Event.starts_at > now,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [(registration, event) for registration, event in rows]


async def _take_seat(session: AsyncSession, event_id: int) -> bool:
    """The only way a seat is taken: one conditional UPDATE, never a read followed by a write."""
    result = await session.execute(
        update(Event)
        .where(Event.id == event_id, or_(Event.capacity.is_(None), Event.taken < Event.capacity))
        .values(taken=Event.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _move(
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


async def _new_code(session: AsyncSession) -> str:
    """A fresh check-in code; the unique constraint stays the final guard."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = await session.scalar(select(exists().where(Registration.checkin_code == code)))
        if not taken:
            return code
