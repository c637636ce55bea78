"""Writing, scheduling and cancelling bulletins; the scheduler publishes what is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic, Track
from models.roles import Authority, in_reach

UPCOMING = 10
"""How many scheduled bulletins a coordinator sees at once, soonest first."""


async def topics_in_reach(session: AsyncSession, authority: Authority) -> list[Topic]:
    """Active topics a coordinator may publish to: every topic for national coordinators, the
    topics of their regions and tracks for regional ones (movement-wide bulletins are not)."""
    query = (
        select(Topic)
        .outerjoin(Track, Track.id == Topic.track_id)
        .where(Topic.active, in_reach(authority, Topic.region, Track.slug))
        .order_by(Topic.kind, Topic.slug)
    )
    return list((await session.scalars(query)).all())


async def topic_track(session: AsyncSession, topic: Topic) -> str | None:
    """The slug of the track whose updates the topic carries, if any."""
    track = await session.get(Track, topic.track_id) if topic.track_id else None
    return track.slug if track else None


def split_text(text: str) -> dict[str, str]:
    """A coordinator's text as a bulletin's title (the first line) and body (the rest)."""
    title, _, body = text.strip().partition("\n")
    return {"title": title.strip(), "body": body.strip()}


async def start_draft(
    session: AsyncSession, topic: Topic, author_id: int, hebrew: str, now: datetime
) -> Bulletin:
    """A new DRAFT with its Hebrew text; nothing is sent until it is scheduled."""
    bulletin = Bulletin(
        topic_id=topic.id,
        content={"he": split_text(hebrew)},
        status=BulletinStatus.DRAFT,
        created_by=author_id,
        created_at=now,
    )
    session.add(bulletin)
    await session.flush()
    return bulletin


def add_translation(bulletin: Bulletin, locale: str, text: str) -> None:
    bulletin.content = {**bulletin.content, locale: split_text(text)}


async def schedule(session: AsyncSession, bulletin_id: int, publish_at: datetime) -> bool:
    """DRAFT → SCHEDULED for `publish_at`; False when it is no longer a draft (a double tap,
    or another device got there first)."""
    result = await session.execute(
        update(Bulletin)
        .where(Bulletin.id == bulletin_id, Bulletin.status == BulletinStatus.DRAFT)
        .values(status=BulletinStatus.SCHEDULED, publish_at=publish_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def cancel(session: AsyncSession, bulletin_id: int) -> bool:
    """DRAFT or SCHEDULED → CANCELLED; False when the scheduler has already published it (its
    claim is the same kind of conditional update, so exactly one of the two wins)."""
    result = await session.execute(
        update(Bulletin)
        .where(
            Bulletin.id == bulletin_id,
            Bulletin.status.in_((BulletinStatus.DRAFT, BulletinStatus.SCHEDULED)),
        )
        .values(status=BulletinStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def upcoming(
    session: AsyncSession, authority: Authority, limit: int = UPCOMING
) -> list[tuple[Bulletin, Topic]]:
    """Scheduled bulletins to topics within reach, soonest first."""
    rows = await session.execute(
        select(Bulletin, Topic)
        .join(Topic, Topic.id == Bulletin.topic_id)
        .outerjoin(Track, Track.id == Topic.track_id)
        .where(
            Bulletin.status == BulletinStatus.SCHEDULED,
            in_reach(authority, Topic.region, Track.slug),
        )
        .order_by(Bulletin.publish_at, Bulletin.id)
        .limit(limit)
    )
    return [(bulletin, topic) for bulletin, topic in rows]
