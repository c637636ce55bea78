"""`hagshama admin grant|revoke … --kibbutz SLUG`: appoint or dismiss a kibbutz's contact
person, audited like coordinators' roles."""

from __future__ import annotations

import sys

from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.kibbutz_contacts import appoint, contacts, dismiss, kibbutz_named


async def kibbutz_role(session: AsyncSession, command: str, person_id: int, slug: str) -> int:
    """Grant or revoke; an unknown kibbutz is named and refused (and audited)."""
    kibbutz = await kibbutz_named(session, slug)
    action = f"admin.kibbutz_{command}"
    target = f"person:{person_id}"
    if kibbutz is None:
        await audit(session, None, action, target, allowed=False, source="cli", kibbutz=slug)
        # Said and returned, not raised: the refusal's audit entry must be committed.
        print(f"hagshama: {command}: no kibbutz {slug!r} in the catalogue", file=sys.stderr)
        return 1
    changed = (
        await appoint(session, person_id, kibbutz)
        if command == "grant"
        else await dismiss(session, person_id, kibbutz)
    )
    await audit(session, None, action, target, allowed=changed, source="cli", kibbutz=slug)
    if command == "grant":
        print(f"person {person_id} is {'now' if changed else 'already'} the contact of {slug}")
        return 0
    print(f"person {person_id} is no longer the contact of {slug}" if changed else "not a contact")
    return 0 if changed else 1


async def list_contacts(session: AsyncSession) -> None:
    for kibbutz, person_id in await contacts(session):
        print(f"{person_id}\tkibbutz contact\t{kibbutz.slug}")
