"""Who a broadcast reaches: its audience resolved in SQL, within a regional author's reach,
marketing consent applied, one reachable identity per person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.audience import can_reach, reachable, reachable_identity
from models.broadcasts import AudienceKind, Broadcast
from models.catalog import Topic, Track
from models.people import Person
from models.registrations import Lead, Registration, RegistrationStatus
from models.roles import Authority, CoordinatorRole, RoleScope, coordinator_people
from models.subscriptions import Subscription, SubscriptionStatus, consenting_people


def reach_of(authority: Authority) -> dict[str, Any] | None:
    if authority.national:
        return None
    return {"regions": sorted(authority.regions), "tracks": sorted(authority.tracks)}


def audience_people(broadcast: Broadcast) -> Select[int]:
    """Ids of the people the broadcast is for, within its author's reach, consent applied."""
    return select(Person.id).where(*_audience(broadcast))


def _audience(broadcast: Broadcast) -> list[ColumnElement[bool]]:
    """The broadcast's audience as conditions on Person."""
    kind, value = broadcast.kind, broadcast.value
    if kind.transactional:
        wanted = (
            [RegistrationStatus.CONFIRMED]
            if kind == AudienceKind.REGISTRANTS
            else [RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED]
        )
        registered = select(Registration.person_id).where(
            Registration.event_id == int(value or 0), Registration.status.in_(wanted)
        )
        return [Person.id.in_(registered)]
    conditions = [Person.id.in_(consenting_people()), _chosen(kind, value)]
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


def _chosen(kind: AudienceKind, value: str | None) -> ColumnElement[bool]:
    if kind == AudienceKind.TOPIC:
        return Person.id.in_(_subscribers(Subscription.topic_id == int(value or 0)))
    if kind == AudienceKind.REGION:
        return Person.region == value
    if kind == AudienceKind.TRACK:
        return _in_tracks(Track.slug == value)
    if kind == AudienceKind.ROLE:
        # Roles are a JSON list of short slugs; the quoted slug matches one element exactly.
        return cast(Person.roles, String).like(f'%"{value}"%')
    return true()


def _subscribers(which: ColumnElement[bool]) -> Select[int]:
    return select(Subscription.person_id).where(
        Subscription.status == SubscriptionStatus.ACTIVE, which
    )


def _in_tracks(which: ColumnElement[bool]) -> ColumnElement[bool]:
    """Interest in a track: a lead left on it, or following its updates."""
    tracks = select(Track.id).where(which)
    followed = select(Topic.id).where(Topic.track_id.in_(tracks))
    return or_(
        Person.id.in_(select(Lead.person_id).where(Lead.track_id.in_(tracks))),
        Person.id.in_(_subscribers(Subscription.topic_id.in_(followed))),
    )


def _within(reach: dict[str, Any]) -> ColumnElement[bool]:
    """A regional coordinator's own audience: people of their regions, or of their tracks."""
    regions, tracks = list(reach["regions"]), list(reach["tracks"])
    regional_news = select(Topic.id).where(Topic.region.in_(regions))
    return or_(
        Person.region.in_(regions),
        Person.id.in_(_subscribers(Subscription.topic_id.in_(regional_news))),
        _in_tracks(Track.slug.in_(tracks)),
    )
