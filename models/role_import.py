"""Role holders imported from a coordinator's list: name, phone, kibbutz, role.

An imported person has not agreed to anything: their consent trail says IMPORTED, so they can be
invited to events by the WhatsApp opt-in template (they write to the number they are reached at)
and get no marketing until they subscribe. What a person already told us is kept; the list fills
only the gaps (and adds roles). `check_rows` is the one judge of a row, for the chat's preview
and for the import itself; the file is read by models.role_file.

Reach: a regional coordinator imports only people of their regions' kibbutzim — a row without
a kibbutz, or one of a kibbutz elsewhere, is refused, and so is a row whose phone belongs to
someone we know at a kibbutz outside those regions (the list may not add roles to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import exists, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.kibbutzim import Kibbutz
from models.localized import localized
from models.movement import MovementRole
from models.people import Channel, ChannelIdentity, Person
from models.phones import to_e164
from models.role_file import Row
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    ConsentAction,
    ConsentRecord,
    consented,
)

IMPORTED_BY = "import"
"""The consent record's channel: a coordinator's list, not the person."""


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


@dataclass
class RoleImport:
    """What an import did: people created and updated, lines refused with the reason."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    refused: list[tuple[int, Refusal]] = field(default_factory=list)


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


async def import_role_holders(
    session: AsyncSession,
    rows: Sequence[Row],
    now: datetime,
    regions: frozenset[str] | None = None,
) -> RoleImport:
    """Create or complete a person per accepted row, reachable on WhatsApp at the phone given.
    A few statements per batch of rows, not per row: a list of thousands is imported while
    the conversation holds the database's writer."""
    check = await check_rows(session, rows, regions)
    result = RoleImport(refused=check.refused)
    known = {
        person.id: person
        for batch in _batches([row.known for row in check.accepted if row.known])
        for person in await session.scalars(select(Person).where(Person.id.in_(batch)))
    }
    # New people, their identities and consent records go in as multi-row INSERTs: the ORM's
    # unit of work costs some milliseconds a row, seconds of the writer for a long list.
    # The operator naming them vouches for the numbers, as `person_at` does.
    fresh = [row for row in check.accepted if row.known is None]
    created: dict[str, int] = {}
    if fresh:
        inserted = await session.execute(
            insert(Person).returning(Person.id, Person.phone, sort_by_parameter_order=True),
            [
                {
                    "phone": row.phone,
                    "phone_verified": True,
                    "name": row.row.name or None,
                    "kibbutz": row.kibbutz,
                    "roles": sorted(set(row.roles)),
                    "interests": [],
                }
                for row in fresh
            ],
        )
        created = {str(phone): int(person_id) for person_id, phone in inserted}
    addresses = sorted({f"whatsapp:{row.phone}" for row in check.accepted})
    reachable = {
        address
        for batch in _batches(addresses)
        for address in await session.scalars(
            select(ChannelIdentity.address).where(
                ChannelIdentity.channel == Channel.WHATSAPP, ChannelIdentity.address.in_(batch)
            )
        )
    }
    identities = []
    for row in check.accepted:
        if row.known is not None:  # what they told us is kept; roles are added
            person = known[row.known]
            person.name = person.name or row.row.name or None
            person.kibbutz = person.kibbutz or row.kibbutz
            person.roles = sorted({*(person.roles or []), *row.roles})
        person_id = created[row.phone] if row.known is None else row.known
        address = f"whatsapp:{row.phone}"
        if address not in reachable:  # the identity the opt-in template goes to
            identities.append(
                {"person_id": person_id, "channel": Channel.WHATSAPP, "address": address}
            )
            reachable.add(address)
        (result.updated if row.known else result.created).append(person_id)
    if identities:
        await session.execute(insert(ChannelIdentity), identities)
    await _mark_imported(session, result.created, result.updated, now)
    await session.flush()
    return result


def _batches(values: Sequence[T]) -> list[Sequence[T]]:
    return [values[start : start + BATCH] for start in range(0, len(values), BATCH)]


async def _mark_imported(
    session: AsyncSession, created: list[int], known: list[int], now: datetime
) -> None:
    """Record "imported, not yet consented" once, unless they consented themselves."""
    recorded = {
        person_id
        for batch in _batches(sorted(set(known)))
        for person_id in await session.scalars(
            select(Person.id).where(
                Person.id.in_(batch),
                consented(Person.id)
                | exists().where(
                    ConsentRecord.person_id == Person.id,
                    ConsentRecord.action == ConsentAction.IMPORTED,
                ),
            )
        )
    }
    records = [
        {
            "person_id": person_id,
            "action": ConsentAction.IMPORTED,
            "channel": IMPORTED_BY,
            "wording_version": CONSENT_WORDING_VERSION,
            "at": now,
        }
        for person_id in dict.fromkeys([*created, *known])
        if person_id not in recorded
    ]
    if records:
        await session.execute(insert(ConsentRecord), records)


BATCH = 500
"""Values per IN (…): well within SQLite's and asyncpg's limits on parameters."""
T = TypeVar("T")


async def _known(
    session: AsyncSession, phones: Iterable[str | None]
) -> dict[str, tuple[int, str | None]]:
    """Phone → (person, their kibbutz) for the phones we know, by profile or WhatsApp number."""
    wanted: list[str] = sorted({phone for phone in phones if phone})
    found: dict[str, tuple[int, str | None]] = {}
    for batch in _batches(wanted):
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
