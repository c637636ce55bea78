"""Judging a role holders' list before it is imported: each row's phone, kibbutz and roles,
a phone listed twice, and the reach of the coordinator importing. The chat's preview and the
import itself both judge here (models.role_import applies what is accepted).

Reach: a regional coordinator imports only people of their regions' kibbutzim — a row without
a kibbutz, or one of a kibbutz elsewhere, is refused, and so is a row whose phone belongs to
someone we know at a kibbutz outside those regions (the list may not add roles to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.kibbutzim import Kibbutz
from models.localized import localized
from models.movement import MovementRole
from models.people import ChannelIdentity, Person
from models.phones import to_e164
from models.role_file import Row

BATCH = 500
"""Values per IN (…): well within SQLite's and asyncpg's limits on parameters."""
T = TypeVar("T")


def batches(values: Sequence[T]) -> list[Sequence[T]]:
    """`values` a BATCH at a time, for IN (…) look-ups."""
    return [values[start : start + BATCH] for start in range(0, len(values), BATCH)]


class Refusal(StrEnum):
    """Why one row of the list is skipped."""

    PHONE = "phone"
    KIBBUTZ = "kibbutz"
    ROLE = "role"
    DUPLICATE = "duplicate"
    """The phone is on an earlier row already."""
    REACH = "reach"
    """Outside the regions of the coordinator importing."""


@dataclass(frozen=True)
class Accepted:
    """A row that will be imported: the phone in E.164, the kibbutz and roles as slugs, and
    the person already known by that phone, if any."""

    row: Row
    phone: str
    kibbutz: str | None
    roles: tuple[str, ...]
    known: int | None


@dataclass
class RoleCheck:
    """What importing the rows would do."""

    accepted: list[Accepted] = field(default_factory=list)
    refused: list[tuple[int, Refusal]] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(row.known is None for row in self.accepted)

    @property
    def updated(self) -> int:
        return len(self.accepted) - self.new


async def check_rows(
    session: AsyncSession, rows: Sequence[Row], regions: frozenset[str] | None = None
) -> RoleCheck:
    """Judge every row (`regions`: a regional coordinator's, None for everywhere); writes
    nothing."""
    kibbutzim = list(await session.scalars(select(Kibbutz)))
    names = _names(kibbutzim)
    region_of = {kibbutz.slug: kibbutz.region for kibbutz in kibbutzim}
    roles = _names(await session.scalars(select(MovementRole)))
    known = await _known(session, [to_e164(row.phone) for row in rows])
    result = RoleCheck()
    seen: set[str] = set()
    for row in rows:
        phone = to_e164(row.phone)
        kibbutz = names.get(row.kibbutz.casefold()) if row.kibbutz else None
        held = [roles.get(part.strip().casefold()) for part in _split(row.role)]
        person, their_kibbutz = known.get(phone or "", (None, None))
        refusal = None
        if phone is None:
            refusal = Refusal.PHONE
        elif phone in seen:
            refusal = Refusal.DUPLICATE
        elif row.kibbutz and kibbutz is None:
            refusal = Refusal.KIBBUTZ
        elif None in held:
            refusal = Refusal.ROLE
        elif regions is not None and not (
            kibbutz
            and {region_of[k] for k in (kibbutz, their_kibbutz) if k in region_of} <= regions
        ):
            refusal = Refusal.REACH
        if refusal is not None:
            result.refused.append((row.line, refusal))
        else:
            assert phone is not None and None not in held
            chosen = tuple(role for role in held if role)
            result.accepted.append(Accepted(row, phone, kibbutz, chosen, person))
        if phone is not None:
            seen.add(phone)
    return result


async def _known(
    session: AsyncSession, phones: Iterable[str | None]
) -> dict[str, tuple[int, str | None]]:
    """Phone → (person, their kibbutz) for the phones we know, by profile or WhatsApp number."""
    wanted: list[str] = sorted({phone for phone in phones if phone})
    found: dict[str, tuple[int, str | None]] = {}
    for batch in batches(wanted):
        addresses = [f"whatsapp:{phone}" for phone in batch]
        rows = await session.execute(
            select(Person.id, Person.kibbutz, Person.phone, ChannelIdentity.address)
            .outerjoin(ChannelIdentity, ChannelIdentity.person_id == Person.id)
            .where(or_(Person.phone.in_(batch), ChannelIdentity.address.in_(addresses)))
        )
        for person_id, kibbutz, phone, address in rows:
            for number in (phone or "", (address or "").removeprefix("whatsapp:")):
                if number in batch:
                    found.setdefault(number, (person_id, kibbutz))
    return found


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", ";").split(";") if part.strip()]


def _names(entries: Iterable[Kibbutz | MovementRole]) -> dict[str, str]:
    """Slug and every name, folded, → slug."""
    found: dict[str, str] = {}
    for entry in entries:
        found[entry.slug.casefold()] = entry.slug
        for lang in entry.content:
            found[localized(entry.content, "name", lang).casefold()] = entry.slug
    return found
