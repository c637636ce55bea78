"""Whom a proactive message goes to: one reachable identity per person."""

from __future__ import annotations

from sqlalchemy import ColumnElement, ScalarSelect, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from locales import SUPPORTED_LOCALES
from models.people import ChannelIdentity, IdentityStatus, Person
from models.subscriptions import Subscription, SubscriptionStatus


def reachable_identity(
    person_id: QueryableAttribute[int] | QueryableAttribute[int | None],
) -> ScalarSelect[int]:
    """The identity to write to: one that has not blocked us, the most recently used first.
    A correlated subquery, so a whole audience is resolved in the query that selects it."""
    return (
        select(ChannelIdentity.id)
        .where(
            ChannelIdentity.person_id == person_id,
            ChannelIdentity.status == IdentityStatus.ACTIVE,
        )
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id.desc())
        .limit(1)
        .correlate_except(ChannelIdentity)
        .scalar_subquery()
    )


def topic_readers(topic_id: int) -> tuple[ColumnElement[bool], ...]:
    """Who a bulletin to the topic reaches: active subscribers we can still write to."""
    return (
        Subscription.topic_id == topic_id,
        Subscription.status == SubscriptionStatus.ACTIVE,
        reachable_identity(Subscription.person_id).is_not(None),
    )


async def count_topic_readers(session: AsyncSession, topic_id: int) -> int:
    """How many people a bulletin to the topic would reach now."""
    query = select(func.count(Subscription.id)).where(*topic_readers(topic_id))
    count = await session.scalar(query)
    return int(count or 0)


def speaks(locale: str, default_locale: str) -> ColumnElement[bool]:
    """People whose messages are rendered in `locale`; anyone without one gets the default."""
    if locale != default_locale:
        return Person.locale == locale
    others = [other for other in SUPPORTED_LOCALES if other != locale]
    return or_(Person.locale.is_(None), Person.locale.not_in(others))
