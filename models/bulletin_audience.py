"""Who a bulletin reaches: its topic's subscribers who gave marketing consent (people a
coordinator imported and who have not agreed are never among them), narrowed by role, kibbutz,
stream and region with AND, by the same objects as a broadcast's combined audience
(models.audience_places), so a filter means the same on both."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audience import can_reach
from models.audience_kinds import KINDS
from models.audience_places import Combined, parse_filters
from models.broadcasts import AudienceKind
from models.people import Person
from models.roles import Authority
from models.subscriptions import consenting_people

NARROWED = Combined(AudienceKind.PEOPLE)
"""The filters a bulletin's audience may add: "treasurers of cooperative kibbutzim"."""


def readers(topic_id: int, audience: str | None) -> list[ColumnElement[bool]]:
    """The bulletin's readers as conditions on Person: the topic's active subscribers with
    consent on record, matching every filter of `audience`, with an identity to write to."""
    conditions = [
        KINDS[AudienceKind.TOPIC].people(str(topic_id)),
        Person.id.in_(consenting_people()),
        can_reach(Person.id),
    ]
    if audience:
        conditions.append(NARROWED.people(audience))
    return conditions


async def count_readers(session: AsyncSession, topic_id: int, audience: str | None) -> int:
    """How many a bulletin to the topic, so narrowed, would reach now."""
    query = select(func.count(Person.id)).where(*readers(topic_id, audience))
    return int(await session.scalar(query) or 0)


async def allows(session: AsyncSession, authority: Authority, audience: str | None) -> bool:
    """Whether every filter names something that exists and lies within the coordinator's
    reach (a region or kibbutz beyond it is refused as in a broadcast)."""
    return audience is None or (
        parse_filters(audience) is not None and await NARROWED.allows(session, authority, audience)
    )
