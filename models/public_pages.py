"""What the public web pages may show: published events, tracks and published bulletins of
active topics. Counts only, never a person: these queries read no table about people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Event, EventKind, EventStatus, Topic, Track
from models.discovery import NATIONAL

SHOWN = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
"""Events a page may show: a cancelled one keeps its page, to say so; drafts never do."""
ARCHIVE_PAGE = 50
"""Bulletins listed per topic on the archive page, newest first."""


@dataclass(frozen=True)
class EventFilters:
    """The `/` page's filters, as given in its query string (unknown values match nothing)."""

    region: str | None = None
    kind: str | None = None
    track: str | None = None


async def upcoming(session: AsyncSession, now: datetime, chosen: EventFilters) -> list[Event]:
    """Published events that have not started, soonest first, narrowed by the filters."""
    query = select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now)
    if chosen.region == NATIONAL:
        query = query.where(Event.region.is_(None))
    elif chosen.region:
        query = query.where(Event.region == chosen.region)
    if chosen.kind:
        query = query.where(Event.kind == chosen.kind)
    if chosen.track:
        query = query.join(Track, Track.id == Event.track_id).where(Track.slug == chosen.track)
    return list((await session.scalars(query.order_by(Event.starts_at, Event.id))).all())


@dataclass(frozen=True)
class FilterChoices:
    """The values each filter offers: those some upcoming event has."""

    regions: list[str]
    kinds: list[str]
    tracks: list[Track]


async def filter_choices(session: AsyncSession, now: datetime) -> FilterChoices:
    found = await upcoming(session, now, EventFilters())
    ids = {e.track_id for e in found if e.track_id}
    tracks = await session.scalars(select(Track).where(Track.id.in_(ids)).order_by(Track.slug))
    return FilterChoices(
        regions=sorted({e.region or NATIONAL for e in found}),
        kinds=[kind.value for kind in EventKind if any(e.kind == kind for e in found)],
        tracks=list(tracks.all()),
    )


async def shown_event(session: AsyncSession, slug: str) -> Event | None:
    """The event a page shows: published (upcoming or past) or cancelled; never a draft."""
    return await session.scalar(select(Event).where(Event.slug == slug, Event.status.in_(SHOWN)))


async def event_with_track(session: AsyncSession, slug: str) -> tuple[Event, Track | None] | None:
    """`shown_event` with its track (if active) in one statement: the event page's only read."""
    row = (
        await session.execute(
            select(Event, Track)
            .outerjoin(Track, and_(Track.id == Event.track_id, Track.active))
            .where(Event.slug == slug, Event.status.in_(SHOWN))
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def shown_track(session: AsyncSession, slug: str) -> Track | None:
    return await session.scalar(select(Track).where(Track.slug == slug, Track.active))


async def track_events(session: AsyncSession, track: Track, now: datetime) -> list[Event]:
    """The track's upcoming published events, soonest first."""
    return list(
        (
            await session.scalars(
                select(Event)
                .where(
                    Event.track_id == track.id,
                    Event.status == EventStatus.PUBLISHED,
                    Event.starts_at > now,
                )
                .order_by(Event.starts_at, Event.id)
            )
        ).all()
    )


async def public_topics(session: AsyncSession) -> list[Topic]:
    """Topics anyone may follow: the active ones."""
    query = select(Topic).where(Topic.active).order_by(Topic.kind, Topic.slug)
    return list((await session.scalars(query)).all())


async def shown_topic(session: AsyncSession, slug: str) -> Topic | None:
    return await session.scalar(select(Topic).where(Topic.slug == slug, Topic.active))


async def archive(session: AsyncSession, topic: Topic, limit: int = ARCHIVE_PAGE) -> list[Bulletin]:
    """The topic's published bulletins, newest first; drafts, scheduled and cancelled never."""
    query = (
        select(Bulletin)
        .where(Bulletin.topic_id == topic.id, Bulletin.status == BulletinStatus.PUBLISHED)
        .order_by(Bulletin.published_at.desc(), Bulletin.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def published_bulletin(
    session: AsyncSession, topic: Topic, bulletin_id: int
) -> Bulletin | None:
    return await session.scalar(
        select(Bulletin).where(
            Bulletin.id == bulletin_id,
            Bulletin.topic_id == topic.id,
            Bulletin.status == BulletinStatus.PUBLISHED,
        )
    )
