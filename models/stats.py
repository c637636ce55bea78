"""The numbers behind /stats, limited to what one coordinator may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Result, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, Topic, Track
from models.people import Person
from models.registrations import ACTIVE, Lead, Registration
from models.roles import Authority, in_reach
from models.subscriptions import Subscription, SubscriptionStatus

T = TypeVar("T")
WEEKS = 8
WEEK = timedelta(weeks=1)
"""How far back the registrations-per-week chart looks."""


@dataclass(frozen=True)
class Stats:
    weeks: list[tuple[datetime, int]]
    """(start of the week, registrations made that week), oldest first, Sunday-based weeks."""
    by_region: list[tuple[str | None, int]]
    """Active registrations by the event's region (None: events without one), busiest first."""
    topics: list[tuple[Topic, int]]
    """Active subscribers per topic, busiest first."""
    leads: list[tuple[Track, int]]
    """Leads per track, busiest first."""
    subscribers: int
    """People with at least one active subscription among the topics shown."""

    @property
    def registrations(self) -> int:
        return sum(count for _, count in self.by_region)

    @property
    def lead_total(self) -> int:
        return sum(count for _, count in self.leads)


def week_starts(now: datetime, timezone: str, weeks: int = WEEKS) -> list[datetime]:
    """Starts (Sunday 00:00 local: the Israeli week) of the last `weeks` weeks, this one last."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    return [
        datetime.combine(sunday - back * WEEK, time(), tzinfo=zone)
        for back in range(weeks - 1, -1, -1)
    ]


async def gather(
    session: AsyncSession, authority: Authority, now: datetime, timezone: str
) -> Stats:
    """Everything /stats shows, in one go."""
    events = (
        select(Event.id)
        .outerjoin(Track, Track.id == Event.track_id)
        .where(in_reach(authority, Event.region, Track.slug))
    )
    starts = week_starts(now, timezone)
    made = Registration.created_at
    per_week = await session.execute(
        select(
            *(
                func.coalesce(func.sum(case(((made >= start) & (made < end), 1), else_=0)), 0)
                for start, end in zip(starts, [*starts[1:], starts[-1] + WEEK], strict=True)
            )
        ).where(Registration.event_id.in_(events), made >= starts[0])
    )
    by_region = await session.execute(
        select(Event.region, func.count(Registration.id))
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.id.in_(events), Registration.status.in_(ACTIVE))
        .group_by(Event.region)
    )
    topics = (
        select(Topic.id)
        .outerjoin(Track, Track.id == Topic.track_id)
        .where(in_reach(authority, Topic.region, Track.slug))
    )
    active = (Subscription.status == SubscriptionStatus.ACTIVE, Subscription.topic_id.in_(topics))
    per_topic = await session.execute(
        select(Topic, func.count(Subscription.id))
        .join(Subscription, Subscription.topic_id == Topic.id)
        .where(*active)
        .group_by(Topic.id)
    )
    subscribers = await session.scalar(
        select(func.count(distinct(Subscription.person_id))).where(*active)
    )
    per_track = await session.execute(
        select(Track, func.count(Lead.id))
        .join(Lead, Lead.track_id == Track.id)
        .outerjoin(Person, Person.id == Lead.person_id)
        .where(in_reach(authority, Person.region, Track.slug))
        .group_by(Track.id)
    )
    counts = tuple(per_week.one())
    return Stats(
        weeks=[(start, int(count)) for start, count in zip(starts, counts, strict=True)],
        by_region=_busiest(by_region, key=lambda region: region or ""),
        topics=_busiest(per_topic, key=lambda topic: topic.slug),
        leads=_busiest(per_track, key=lambda track: track.slug),
        subscribers=int(subscribers or 0),
    )


def _busiest(rows: Result[T, int], key: Callable[[T], str]) -> list[tuple[T, int]]:
    """(thing, count) rows, busiest first, ties in a stable order."""
    pairs = [(thing, int(count)) for thing, count in rows]
    return sorted(pairs, key=lambda pair: (-pair[1], key(pair[0])))
