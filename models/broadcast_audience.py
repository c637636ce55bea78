"""Who a broadcast reaches: its audience kind's people (models.audience_kinds), within a regional
author's reach, consent applied, one reachable identity per person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audience import can_reach, reachable, reachable_identity
from models.audience_kinds import KINDS, in_tracks, subscribers
from models.audience_places import in_regions
from models.broadcasts import Broadcast
from models.catalog import Topic, Track
from models.outbox import OutboxKind
from models.people import Person
from models.roles import Authority, CoordinatorRole, RoleScope, coordinator_people
from models.subscriptions import Subscription, consenting_people, invitable

INVITATION = OutboxKind.INVITATION


def reach_of(authority: Authority) -> dict[str, Any] | None:
    if authority.national:
        return None
    return {"regions": sorted(authority.regions), "tracks": sorted(authority.tracks)}


def audience_people(broadcast: Broadcast) -> Select[int]:
    """Ids of the people the broadcast is for, within its author's reach, consent applied."""
    return select(Person.id).where(*_audience(broadcast))


def _audience(broadcast: Broadcast) -> list[ColumnElement[bool]]:
    """The broadcast's audience as conditions on Person: its kind's people; unless it is about
    their own event, only those who may be written to, and only within the author's reach."""
    kind = KINDS[broadcast.kind]
    conditions = [kind.people(broadcast.value)]
    if kind.transactional:
        return conditions
    consenting = Person.id.in_(consenting_people())
    conditions.append(
        or_(consenting, invitable(Person.id)) if kind.copies == INVITATION else consenting
    )
    if broadcast.reach is not None:
        conditions.append(_within(broadcast.reach))
    return conditions


def recipients(broadcast: Broadcast, dialect: str) -> Select[int]:
    """The identity ids the copies go to: one reachable identity per person of the audience.
    Person is joined, so callers may add columns of their own (the message in their language)."""
    reach = reachable(dialect)
    return (
        select(reach.c.identity_id)
        .join(Person, Person.id == reach.c.person_id)
        .where(*_audience(broadcast))
    )


async def count_recipients(session: AsyncSession, broadcast: Broadcast) -> int:
    """How many the broadcast would reach: its people with an identity we may write to."""
    audience = audience_people(broadcast).where(can_reach(Person.id))
    return int(await session.scalar(select(func.count()).select_from(audience.subquery())) or 0)


async def reviewers(
    session: AsyncSession, admin_addresses: Iterable[str], author_id: int
) -> list[tuple[int, int, str | None]]:
    """National coordinators other than the author, each with an identity to reach."""
    identity = reachable_identity(Person.id)
    regional = select(CoordinatorRole.person_id).where(CoordinatorRole.scope == RoleScope.REGIONAL)
    rows = await session.execute(
        select(Person.id, identity, Person.locale)
        .where(
            Person.id.in_(coordinator_people(admin_addresses)),
            Person.id.not_in(regional),
            Person.id != author_id,
            can_reach(Person.id),
        )
        .order_by(Person.id)
    )
    return [(person_id, identity_id, locale) for person_id, identity_id, locale in rows]


def _within(reach: dict[str, Any]) -> ColumnElement[bool]:
    """A regional coordinator's own audience: people of their regions, or of their tracks."""
    regions, tracks = list(reach["regions"]), list(reach["tracks"])
    regional_news = select(Topic.id).where(Topic.region.in_(regions))
    return or_(
        in_regions(regions),
        Person.id.in_(subscribers(Subscription.topic_id.in_(regional_news))),
        in_tracks(Track.slug.in_(tracks)),
    )
