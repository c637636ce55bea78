"""Role holders imported from a coordinator's list (CSV): name, phone, kibbutz, role.

An imported person has not agreed to anything: their consent trail says IMPORTED, so they can be
invited to events by the WhatsApp opt-in template (they write to the number they are reached at)
and get no marketing until they subscribe. What a person already told us is kept; the list fills
only the gaps (and adds roles)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.kibbutzim import Kibbutz
from models.localized import localized
from models.movement import MovementRole
from models.people import Channel, ChannelIdentity, Person, person_at
from models.phones import to_e164
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    ConsentAction,
    ConsentRecord,
    consented,
)

HEADINGS = {
    "name": ("name", "שם"),
    "phone": ("phone", "טלפון"),
    "kibbutz": ("kibbutz", "קיבוץ"),
    "role": ("role", "roles", "תפקיד"),
}
"""Column headings understood, in English or in Hebrew."""
MAX_ROWS = 5000
IMPORTED_BY = "import"
"""The consent record's channel: a coordinator's list, not the person."""


@dataclass
class RoleImport:
    """What an import did: people created and updated, lines refused with the reason."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


class RoleImportError(ValueError):
    """The file is not a list of role holders (no phone column, too long, not text)."""


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The file's rows by our column names; Excel's UTF-8 (with a BOM) is fine."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoleImportError("the file is not UTF-8 text (save it as CSV UTF-8)") from exc
    reader = csv.DictReader(io.StringIO(text))
    columns = {
        ours: heading
        for heading in reader.fieldnames or []
        for ours, names in HEADINGS.items()
        if heading.strip().casefold() in names
    }
    if "phone" not in columns:
        raise RoleImportError("no phone column (name, phone, kibbutz, role)")
    rows = [
        {ours: (row.get(heading) or "").strip() for ours, heading in columns.items()}
        for row in reader
    ]
    if len(rows) > MAX_ROWS:
        raise RoleImportError(f"at most {MAX_ROWS} rows at once")
    return rows


async def import_role_holders(
    session: AsyncSession, rows: Iterable[dict[str, str]], now: datetime
) -> RoleImport:
    """Create or complete a person per row, reachable on WhatsApp at the phone given."""
    result = RoleImport()
    kibbutzim = _names(await session.scalars(select(Kibbutz)))
    roles = _names(await session.scalars(select(MovementRole)))
    for line, row in enumerate(rows, start=2):
        phone = to_e164(row.get("phone", ""))
        kibbutz = kibbutzim.get(row.get("kibbutz", "").casefold()) if row.get("kibbutz") else None
        held = [roles.get(part.strip().casefold()) for part in _split(row.get("role", ""))]
        if phone is None:
            result.refused.append((line, "phone"))
        elif row.get("kibbutz") and kibbutz is None:
            result.refused.append((line, "kibbutz"))
        elif None in held:
            result.refused.append((line, "role"))
        else:
            person, created = await _person(session, phone)
            person.name = person.name or row.get("name") or None
            person.kibbutz = person.kibbutz or kibbutz
            person.roles = sorted({*(person.roles or []), *(role for role in held if role)})
            await _mark_imported(session, person, now)
            (result.created if created else result.updated).append(person.id)
    await session.flush()
    return result


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
