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

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.kibbutzim import Kibbutz
from models.localized import localized
from models.movement import MovementRole
from models.people import Channel, ChannelIdentity, Person, person_at
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
    """Create or complete a person per accepted row, reachable on WhatsApp at the phone given."""
    check = await check_rows(session, rows, regions)
    result = RoleImport(refused=check.refused)
    for row in check.accepted:
        person, created = await _person(session, row.phone)
        person.name = person.name or row.row.name or None
        person.kibbutz = person.kibbutz or row.kibbutz
        person.roles = sorted({*(person.roles or []), *row.roles})
        await _mark_imported(session, person, now)
        (result.created if created else result.updated).append(person.id)
    await session.flush()
    return result


KNOWN_BATCH = 500


async def _known(
    session: AsyncSession, phones: Iterable[str | None]
) -> dict[str, tuple[int, str | None]]:
    """Phone → (person, their kibbutz) for the phones we know, by profile or WhatsApp number."""
    wanted = sorted({phone for phone in phones if phone})
    found: dict[str, tuple[int, str | None]] = {}
    for start in range(0, len(wanted), KNOWN_BATCH):
        batch = wanted[start : start + KNOWN_BATCH]
        addresses = [f"whatsapp:{phone}" for phone in batch]
        rows = await session.execute(
            select(Person.id, Person.kibbutz, Person.phone, ChannelIdentity.address)
            .outerjoin(ChannelIdentity, ChannelIdentity.person_id == Person.id)
            .where(or_(Person.phone.in_(batch), ChannelIdentity.address.in_(addresses)))
        )
        for person_id, kibbutz, phone, address in rows:
            for number in (phone, (address or "").removeprefix("whatsapp:")):
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


async def _person(session: AsyncSession, phone: str) -> tuple[Person, bool]:
    """The person with this phone (or WhatsApp number), else a new one; with the identity the
    opt-in template goes to."""
    address = f"whatsapp:{phone}"
    known = await session.scalar(
        select(Person.id)
        .outerjoin(ChannelIdentity)
        .where(or_(Person.phone == phone, ChannelIdentity.address == address))
        .limit(1)
    )
    person = await person_at(session, phone=phone)
    identity = await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == Channel.WHATSAPP, ChannelIdentity.address == address
        )
    )
    if identity is None:
        session.add(ChannelIdentity(person_id=person.id, channel=Channel.WHATSAPP, address=address))
    return person, known is None


async def _mark_imported(session: AsyncSession, person: Person, now: datetime) -> None:
    """Record "imported, not yet consented" once, unless they consented themselves."""
    listed = exists().where(
        ConsentRecord.person_id == person.id, ConsentRecord.action == ConsentAction.IMPORTED
    )
    if await session.scalar(select(consented(person.id) | listed)):
        return
    session.add(
        ConsentRecord(
            person_id=person.id,
            action=ConsentAction.IMPORTED,
            channel=IMPORTED_BY,
            wording_version=CONSENT_WORDING_VERSION,
            at=now,
        )
    )
