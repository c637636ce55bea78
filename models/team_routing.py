"""Who in the team a thread belongs to: the coordinators whose regions or tracks reach it, or,
when none does, the national ones."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Track
from models.questions import Thread
from models.roles import Authority, CoordinatorRole, RoleScope, coordinator_people


async def coordinators(session: AsyncSession, admin_addresses: Iterable[str]) -> list[Authority]:
    """Every coordinator's authority: granted roles, and configured addresses as national."""
    ids = set(await session.scalars(coordinator_people(admin_addresses)))
    roles = {
        role.person_id: role
        for role in await session.scalars(
            select(CoordinatorRole).where(CoordinatorRole.person_id.in_(ids))
        )
    }
    found = []
    for person_id in sorted(ids):
        role = roles.get(person_id)
        if role is None:
            found.append(Authority(person_id, RoleScope.NATIONAL))
        else:
            found.append(
                Authority(
                    person_id,
                    RoleScope(role.scope),
                    frozenset(role.regions),
                    frozenset(role.tracks),
                )
            )
    return found


async def covering(
    session: AsyncSession, thread: Thread, admin_addresses: Iterable[str]
) -> list[Authority]:
    """Every coordinator who may see the thread, national ones included."""
    track = await session.get(Track, thread.track_id) if thread.track_id else None
    slug = track.slug if track else None
    return [
        authority
        for authority in await coordinators(session, admin_addresses)
        if authority.covers(region=thread.region, track=slug)
    ]


async def responsible(
    session: AsyncSession, thread: Thread, admin_addresses: Iterable[str]
) -> list[int]:
    """Whom to tell of the thread: whoever holds it; else its regional coordinators; else,
    when no region or track of it has one, the national coordinators."""
    if thread.claimed_by is not None:
        return [thread.claimed_by]
    reach = await covering(session, thread, admin_addresses)
    regional = [a.person_id for a in reach if not a.national]
    return regional or [a.person_id for a in reach if a.national]


async def nationals(session: AsyncSession, admin_addresses: Iterable[str]) -> list[int]:
    return [a.person_id for a in await coordinators(session, admin_addresses) if a.national]
