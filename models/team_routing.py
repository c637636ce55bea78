"""Who in the team a thread belongs to: the coordinators whose regions or tracks reach it, or,
when none does, the national ones; and a coordinator's inbox, the threads within their reach."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Integer, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Track
from models.questions import NOT_DONE, WAITING_FOR_TEAM, Thread, ThreadKind, ThreadStatus
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


def reach(authority: Authority) -> ColumnElement[bool]:
    """Threads within a coordinator's regions and tracks (either suffices), as a condition;
    one of neither (no region, no track) reaches national coordinators only."""
    if authority.national:
        return Thread.id.is_not(None)
    tracks = select(Track.id).where(Track.slug.in_(sorted(authority.tracks)))
    return or_(Thread.region.in_(sorted(authority.regions)), Thread.track_id.in_(tracks))


def inbox_query(authority: Authority) -> tuple[ColumnElement[bool], ...]:
    """What a coordinator's inbox lists: not done, within reach."""
    return (Thread.status.in_(NOT_DONE), reach(authority))


async def inbox_counts(session: AsyncSession, authority: Authority) -> dict[ThreadKind, int]:
    """Open items within reach, by kind."""
    rows = await session.execute(
        select(Thread.kind, func.count(Thread.id))
        .where(*inbox_query(authority), Thread.status.in_(WAITING_FOR_TEAM))
        .group_by(Thread.kind)
    )
    counts = {kind: 0 for kind in ThreadKind}
    counts.update({ThreadKind(kind): int(count) for kind, count in rows})
    return counts


async def inbox_total(session: AsyncSession, authority: Authority) -> int:
    """How many items the coordinator's inbox lists."""
    return int(
        await session.scalar(select(func.count(Thread.id)).where(*inbox_query(authority))) or 0
    )


async def inbox_page(
    session: AsyncSession, authority: Authority, offset: int, size: int
) -> list[Thread]:
    """A page of the inbox: waiting longest first, answered ones after."""
    answered_last = (Thread.status == ThreadStatus.ANSWERED).cast(Integer)
    rows = await session.scalars(
        select(Thread)
        .where(*inbox_query(authority))
        .order_by(answered_last, Thread.waiting_since, Thread.id)
        .offset(offset)
        .limit(size)
    )
    return list(rows)
