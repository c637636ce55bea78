"""An event's registrations for its coordinators: the counts, the list, and the CSV export that
both the chat and `hagshama export` hand out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from locales.dates import local
from models.catalog import Event
from models.people import Person
from models.registrations import ACTIVE, Registration, RegistrationStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection")."""


@dataclass(frozen=True)
class Counts:
    confirmed: int
    waitlisted: int
    offered: int
    checked_in: int
    seats_left: int | None
    """None for an event without a capacity."""

    @property
    def current(self) -> int:
        """Registrations still standing: the roster's length."""
        return self.confirmed + self.waitlisted + self.offered


@dataclass(frozen=True)
class Entry:
    registration: Registration
    person: Person | None
    """None once the person asked to be deleted: the seat stays, the name goes."""


async def counts(session: AsyncSession, event: Event) -> Counts:
    """How many hold a seat, wait, have an offer, and have arrived."""
    rows = await session.execute(
        select(Registration.status, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    by_status = {status: (total, arrived) for status, total, arrived in rows}
    return Counts(
        confirmed=by_status.get(RegistrationStatus.CONFIRMED, (0, 0))[0],
        waitlisted=by_status.get(RegistrationStatus.WAITLISTED, (0, 0))[0],
        offered=by_status.get(RegistrationStatus.OFFERED, (0, 0))[0],
        checked_in=by_status.get(RegistrationStatus.CONFIRMED, (0, 0))[1],
        seats_left=None if event.capacity is None else max(event.capacity - event.taken, 0),
    )


async def entries(
    session: AsyncSession, event: Event, *, offset: int = 0, limit: int | None = None
) -> list[Entry]:
    """Current registrations (confirmed, then waiting in line, by arrival) with their people;
    `limit` of them from `offset` on when only a page is wanted."""
    rows = await session.execute(
        select(Registration, Person)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.status != RegistrationStatus.CONFIRMED, Registration.id)
        .offset(offset)
        .limit(limit)
    )
    return [Entry(registration, person) for registration, person in rows]


def status_label(t: Translator, registration: Registration) -> str:
    return t(f"roster.status.{registration.status}")


def neutralise(cell: str) -> str:
    """Keep a cell text: a leading apostrophe stops spreadsheets evaluating it as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _stamp(value: datetime | None, timezone: str) -> str:
    return f"{local(value, timezone):%Y-%m-%d %H:%M}" if value else ""


def roster_csv(t: Translator, timezone: str, rows: list[Entry]) -> bytes:
    """The registrations as CSV that Excel opens with Hebrew intact: UTF-8 with a BOM, CRLF,
    quoted where needed, headings in the coordinator's language."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel")
    columns = ("name", "phone", "home", "status", "registered", "checked_in", "code")
    writer.writerow([t(f"roster.csv.{column}") for column in columns])
    for entry in rows:
        registration, person = entry.registration, entry.person
        cells = (
            (person.name or "") if person else t("roster.deleted"),
            (person.phone or "") if person else "",
            (person.home or "") if person else "",
            status_label(t, registration),
            _stamp(registration.created_at, timezone),
            _stamp(registration.checked_in_at, timezone),
            registration.checkin_code,
        )
        writer.writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def csv_filename(event: Event) -> str:
    return f"{event.slug}-registrations.csv"
