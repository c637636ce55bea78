"""Role holders imported from a coordinator's list: name, phone, kibbutz, role.

An imported person has not agreed to anything: their consent trail says IMPORTED, so they can be
invited to events by the WhatsApp opt-in template (they write to the number they are reached at)
and get no marketing until they subscribe. What a person already told us is kept; the list fills
only the gaps (and adds roles). The file is read by models.role_file, and every row judged by
models.role_check (for the chat's preview and for the import itself): this module writes what
that accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.people import Channel, ChannelIdentity, Person
from models.role_check import Refusal, batches, check_rows
from models.role_file import Row
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    ConsentAction,
    ConsentRecord,
    consented,
)

IMPORTED_BY = "import"
"""The consent record's channel: a coordinator's list, not the person."""


@dataclass
class RoleImport:
    """What an import did: people created and updated, lines refused with the reason."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    refused: list[tuple[int, Refusal]] = field(default_factory=list)


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
        for batch in batches([row.known for row in check.accepted if row.known])
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
        for batch in batches(addresses)
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


async def _mark_imported(
    session: AsyncSession, created: list[int], known: list[int], now: datetime
) -> None:
    """Record "imported, not yet consented" once, unless they consented themselves."""
    recorded = {
        person_id
        for batch in batches(sorted(set(known)))
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
