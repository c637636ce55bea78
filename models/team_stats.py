"""The response team's numbers for /stats: questions asked and answered, the median time to a
first answer, and leads per track with how many of them went on to register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, Track
from models.people import Person
from models.questions import Thread, ThreadKind
from models.registrations import Lead, Registration
from models.roles import Authority, in_reach
from models.team_routing import reach


@dataclass(frozen=True)
class TeamStats:
    asked: int
    answered: int
    median_first_answer: timedelta | None
    leads: list[tuple[Track, int, int]]
    """(track, leads, of them registered for one of its events since), busiest first."""


async def team_stats(session: AsyncSession, authority: Authority) -> TeamStats:
    """The numbers within the coordinator's reach."""
    questions = (Thread.kind == ThreadKind.QUESTION, reach(authority))
    asked = await session.scalar(select(func.count(Thread.id)).where(*questions))
    answered_rows = await session.execute(
        select(Thread.created_at, Thread.first_answer_at).where(
            *questions, Thread.first_answer_at.is_not(None)
        )
    )
    waits = sorted(answer - created for created, answer in answered_rows if answer is not None)
    registered = exists().where(
        Registration.person_id == Lead.person_id,
        Registration.created_at >= Lead.created_at,
        Registration.event_id.in_(select(Event.id).where(Event.track_id == Lead.track_id)),
    )
    per_track = await session.execute(
        select(
            Track,
            func.count(Lead.id),
            func.count(distinct(Lead.id)).filter(and_(Lead.person_id.is_not(None), registered)),
        )
        .join(Lead, Lead.track_id == Track.id)
        .outerjoin(Person, Person.id == Lead.person_id)
        .where(in_reach(authority, Person.region, Track.slug))
        .group_by(Track.id)
    )
    leads = sorted(
        ((track, int(total), int(became)) for track, total, became in per_track),
        key=lambda row: (-row[1], row[0].slug),
    )
    return TeamStats(
        asked=int(asked or 0),
        answered=len(waits),
        median_first_answer=_median(waits),
        leads=leads,
    )


def _median(waits: list[timedelta]) -> timedelta | None:
    """The middle wait (of two middle ones, their mean) of waits in order."""
    if not waits:
        return None
    middle = len(waits) // 2
    return waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
