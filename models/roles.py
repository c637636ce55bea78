"""Coordinators: who may publish, broadcast and see registrations, and over which audience."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    ForeignKey,
    String,
    and_,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from models import discovery
from models.base import Base, JSONType, UTCDateTime, utcnow
from models.catalog import Event, Topic, Track
from models.people import Channel, ChannelIdentity, Person


class RoleScope(StrEnum):
    """NATIONAL coordinators see and reach everyone; REGIONAL ones only the people, events and
    leads of their regions and tracks. Lifecycle: granted (a row, or a configured admin
    address) → revoked (the row deleted); both are audited."""

    NATIONAL = "national"
    REGIONAL = "regional"


class CoordinatorRole(Base):
    __tablename__ = "coordinator_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    scope: Mapped[RoleScope] = mapped_column(String(16))
    regions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tracks: Mapped[list[str]] = mapped_column(JSONType, default=list, doc="track slugs")
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Authority:
    """What one coordinator may see and reach."""

    person_id: int
    scope: RoleScope
    regions: frozenset[str] = frozenset()
    tracks: frozenset[str] = frozenset()

    @property
    def national(self) -> bool:
        return self.scope == RoleScope.NATIONAL

    def covers(self, *, region: str | None = None, track: str | None = None) -> bool:
        """Whether something of this region or track (either suffices) is within reach."""
        if self.national:
            return True
        return (region is not None and region in self.regions) or (
            track is not None and track in self.tracks
        )

    def events(self) -> ColumnElement[bool]:
        """`covers_event` as a condition on Event, so a list within reach is filtered in SQL."""
        if self.national:
            return true()
        tracks = select(Track.id).where(Track.slug.in_(sorted(self.tracks)))
        return or_(Event.region.in_(sorted(self.regions)), Event.track_id.in_(tracks))

    async def covers_event(self, session: AsyncSession, event: Event) -> bool:
        """Regional coordinators manage the events of their regions and tracks."""
        if self.national:
            return True
        track = await session.get(Track, event.track_id) if event.track_id else None
        return self.covers(region=event.region, track=track.slug if track else None)


def is_configured_admin(identity: ChannelIdentity, admin_addresses: Iterable[str]) -> bool:
    """ADMIN_TELEGRAM_IDS and ADMIN_PHONES name national coordinators by the address the channel
    vouches for: the Telegram user id, or the WhatsApp number they write from. Never by a phone
    kept in the profile, which anyone may have typed."""
    wanted = set(admin_addresses)
    if identity.channel == Channel.TELEGRAM:
        return identity.address in wanted
    if identity.channel == Channel.WHATSAPP:
        return identity.address.removeprefix("whatsapp:") in wanted
    return False


async def authority_of(
    session: AsyncSession, identity: ChannelIdentity, admin_addresses: Iterable[str]
) -> Authority | None:
    """The coordinator role of the person behind `identity`, if any."""
    if is_configured_admin(identity, admin_addresses):
        return Authority(identity.person_id, RoleScope.NATIONAL)
    role = await session.scalar(
        select(CoordinatorRole).where(CoordinatorRole.person_id == identity.person_id)
    )
    if role is None:
        return None
    return Authority(
        role.person_id, RoleScope(role.scope), frozenset(role.regions), frozenset(role.tracks)
    )


class UnknownScope(ValueError):
    """Regions or tracks the catalogue does not know; the message names them and the known."""


async def check_scope(session: AsyncSession, regions: Iterable[str], tracks: Iterable[str]) -> None:
    """Refuse regions and tracks the catalogue does not know (a typo reaches nobody)."""
    known_regions = await catalogue_regions(session)
    known_tracks = set(await session.scalars(select(Track.slug)))
    problems = []
    for kind, asked, known in (
        ("region", regions, known_regions),
        ("track", tracks, known_tracks),
    ):
        if unknown := sorted(set(asked) - known):
            listed = ", ".join(sorted(known)) or "none yet: import the catalogue first"
            problems.append(f"unknown {kind} {', '.join(unknown)} (known: {listed})")
    if problems:
        raise UnknownScope("; ".join(problems))


async def catalogue_regions(session: AsyncSession) -> set[str]:
    """Every region the catalogue names: the questionnaire's, and any an event or topic was
    imported with (a role may cover those too)."""
    named = await session.scalars(
        union(
            select(Event.region).where(Event.region.is_not(None)),
            select(Topic.region).where(Topic.region.is_not(None)),
        )
    )
    return {str(region) for region in named} | set(await discovery.regions(session))


async def grant(
    session: AsyncSession,
    person: Person,
    scope: RoleScope,
    regions: Iterable[str] = (),
    tracks: Iterable[str] = (),
    granted_by: int | None = None,
) -> CoordinatorRole:
    """Make `person` a coordinator. A regional grant adds its regions and tracks to those the
    person already coordinates; a national one covers everything, so it replaces them."""
    role = await session.scalar(
        select(CoordinatorRole).where(CoordinatorRole.person_id == person.id)
    )
    if role is None:
        role = CoordinatorRole(person_id=person.id, regions=[], tracks=[])
        session.add(role)
    national = scope == RoleScope.NATIONAL
    role.scope = scope
    role.regions = [] if national else sorted({*(role.regions or []), *regions})
    role.tracks = [] if national else sorted({*(role.tracks or []), *tracks})
    role.granted_by = granted_by
    role.granted_at = utcnow()
    await session.flush()
    return role


async def revoke(
    session: AsyncSession, person_id: int, regions: Iterable[str] = (), tracks: Iterable[str] = ()
) -> bool:
    """Take the role away, or only some regions and tracks of it (the role goes with the last
    of them); False when there was nothing of that to take."""
    regions, tracks = set(regions), set(tracks)
    role = await session.scalar(
        select(CoordinatorRole).where(CoordinatorRole.person_id == person_id)
    )
    if role is None:
        return False
    if not (regions or tracks):
        await session.delete(role)
        await session.flush()
        return True
    if not (regions & set(role.regions) or tracks & set(role.tracks)):
        return False
    role.regions = sorted(set(role.regions) - regions)
    role.tracks = sorted(set(role.tracks) - tracks)
    if not (role.regions or role.tracks):
        await session.delete(role)
    await session.flush()
    return True


def coordinator_people(admin_addresses: Iterable[str]) -> CompoundSelect[int]:
    """Ids of everyone who coordinates: granted roles and the configured admin addresses
    (the same rule as `is_configured_admin`, as a query)."""
    wanted = set(admin_addresses)
    whatsapp = {f"whatsapp:{address}" for address in wanted if address.startswith("+")}
    configured = select(ChannelIdentity.person_id).where(
        or_(
            and_(ChannelIdentity.channel == Channel.TELEGRAM, ChannelIdentity.address.in_(wanted)),
            and_(
                ChannelIdentity.channel == Channel.WHATSAPP, ChannelIdentity.address.in_(whatsapp)
            ),
        )
    )
    return select(CoordinatorRole.person_id).union(configured)


def in_reach(
    authority: Authority,
    region: InstrumentedAttribute[str | None],
    track_slug: InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    """`Authority.covers` as a query condition: the region or the track (either suffices)."""
    if authority.national:
        return true()
    return or_(region.in_(sorted(authority.regions)), track_slug.in_(sorted(authority.tracks)))
