"""Registering for events without ever overbooking: a conditional seat update, a waiting list in
arrival order, and offers of freed seats that expire. Seats themselves are kept by the ledger
in models.seats, which every change below goes through.

Every change of status is a conditional UPDATE on the status it expects, so two processes (a
double tap, the expiry job racing an accept) can never both act on the same registration.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, EventStatus
from models.registrations import ACTIVE, Registration, RegistrationStatus
from models.reminders import withdraw_reminders
from models.seats import (
    HOLDING,
    Announce,
    give_back,
    lock_event,
    move,
    release_seats,
    seat_group,
    withdraw_offer,
)
from models.sessions import still_ahead

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
    """What became of an accepted offer (its seat was held for it, so it cannot be gone)."""

    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    NOT_OFFERED = "not_offered"


class CancelResult(StrEnum):
    """What became of a request to cancel a registration."""

    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    """Attendance is a fact: a registration checked in at the door stays."""
    NOT_ACTIVE = "not_active"


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
    session: AsyncSession,
    event: Event,
    person_id: int,
    now: datetime,
    channel: str | None = None,
    *,
    guests: Sequence[str] = (),
    split: bool = False,
) -> Outcome:
    """A seat if one is free and nobody waits for it, else a place at the end of the line;
    with `guests`, a seat for each of them too (models.seats.seat_group). The event stays
    locked until the caller commits, so the place in line this transaction then reads is the
    one the person keeps."""
    await lock_event(session, event.id)
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
    wanted = 1 + len(guests)
    seated = 0 if waiting else await seat_group(session, event.id, wanted, split)
    registration = Registration(
        event_id=event.id,
        person_id=person_id,
        status=RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITLISTED,
        seats=seated or wanted,
        guests=list(guests[: (seated or wanted) - 1]),
        split=split,
        checkin_code=await _new_code(session),
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    session.add(registration)
    await session.flush()
    await session.refresh(event)
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
    session: AsyncSession, registration: Registration, now: datetime, announce: Announce
) -> CancelResult:
    """Withdraw a seat, an offer or a place in line; a freed seat goes to the next in line."""
    await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if registration.checked_in_at is not None:
        return CancelResult.CHECKED_IN
    status = registration.status
    if status not in ACTIVE or not await move(
        session,
        registration,
        RegistrationStatus.CANCELLED,
        (status,),
        now,
        Registration.checked_in_at.is_(None),
    ):
        return CancelResult.NOT_ACTIVE
    await withdraw_reminders(session, [registration.id])
    if status in HOLDING:
        await _free(session, registration, now, announce)
    return CancelResult.CANCELLED


async def decline(
    session: AsyncSession, registration: Registration, now: datetime, announce: Announce
) -> bool:
    """Turn down an offered seat; it goes to the next in line. False if nothing was offered."""
    await lock_event(session, registration.event_id)
    offered = (RegistrationStatus.OFFERED,)
    if not await move(session, registration, RegistrationStatus.DECLINED, offered, now):
        return False
    await _free(session, registration, now, announce)
    return True


async def accept(session: AsyncSession, registration: Registration, now: datetime) -> AcceptResult:
    """Take the offered seat, held for this offer, if the offer still stands."""
    await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if registration.status != RegistrationStatus.OFFERED:
        return AcceptResult.NOT_OFFERED
    if registration.offer_expires_at and registration.offer_expires_at <= now:
        return AcceptResult.EXPIRED  # the expiry job releases the seat to the next in line
    still_offered = Registration.offer_expires_at > now
    offered = (RegistrationStatus.OFFERED,)
    if not await move(
        session, registration, RegistrationStatus.CONFIRMED, offered, now, still_offered
    ):
        return AcceptResult.NOT_OFFERED
    await withdraw_offer(session, registration.id)
    return AcceptResult.CONFIRMED


async def expire_due_offers(session: AsyncSession, now: datetime, announce: Announce) -> int:
    """Expire offers past their time and offer each seat to the next in line; returns how
    many new offers were made."""
    query = select(Registration).where(
        Registration.status == RegistrationStatus.OFFERED, Registration.offer_expires_at <= now
    )
    made = 0
    for due in (await session.scalars(query.order_by(Registration.id))).all():
        await lock_event(session, due.event_id)
        lapsed = Registration.offer_expires_at <= now
        offered = (RegistrationStatus.OFFERED,)
        if await move(session, due, RegistrationStatus.EXPIRED, offered, now, lapsed):
            made += await _free(session, due, now, announce)
    return made


async def leave_upcoming(
    session: AsyncSession, person_id: int, now: datetime, announce: Announce
) -> int:
    """Withdraw a person from every event or series still ahead — seats, offers, places in line —
    passing freed seats on; past attendance stays. Returns how many registrations ended."""
    upcoming = await session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id == person_id,
            Registration.status.in_(ACTIVE),
            still_ahead(now),
        )
        .order_by(Registration.id)
    )
    ended = 0
    for registration in upcoming.all():
        ended += await cancel(session, registration, now, announce) is CancelResult.CANCELLED
    return ended


async def _free(
    session: AsyncSession, registration: Registration, now: datetime, announce: Announce
) -> int:
    """The registration's seat goes back and on to the next in line; its offer message, if
    unsent, is withdrawn. Returns the offers made."""
    await withdraw_offer(session, registration.id)
    await give_back(session, registration.event_id, registration.seats)
    return len(await release_seats(session, registration.event_id, now, announce))


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
            still_ahead(now),
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [(registration, event) for registration, event in rows]


async def _new_code(session: AsyncSession) -> str:
    """A fresh check-in code; the unique constraint stays the final guard."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = await session.scalar(select(exists().where(Registration.checkin_code == code)))
        if not taken:
            return code
