"""Publishing bulletins: at their time, to the topic's consenting subscribers (narrowed by the
bulletin's audience, models.bulletin_audience), once each, with a way out.

The audience is planned in the database (one INSERT … SELECT per language), so a topic with a
hundred thousand subscribers is queued without loading them into memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.bulletin_copies import channel_post
from handlers.coordinators.bulletin_message import bulletin_message
from handlers.core.context import EngineConfig
from handlers.core.types import reply_to_payload
from locales import SUPPORTED_LOCALES
from models.audience import reachable_identity, speaks
from models.bulletin_audience import readers
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.outbox import (
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Priority,
    enqueue,
    keyed,
    to_one,
)
from models.people import Person
from models.subscriptions import Subscription, SubscriptionStatus
from models.topic_channels import channel_identity
from scheduler.kibbutz_copies import copy_bulletin
from scheduler.quiet import QuietHours

KIND = OutboxKind.BULLETIN


def bulletin_key(bulletin_id: int, person_id: int) -> str:
    return f"{KIND}:{bulletin_id}:{person_id}"


async def publish_due_bulletins(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Queue every due bulletin for its topic's active subscribers; returns messages queued."""
    await withdraw_unsubscribed(session)
    due = await session.scalars(
        select(Bulletin)
        .where(Bulletin.status == BulletinStatus.SCHEDULED, Bulletin.publish_at <= now)
        .order_by(Bulletin.publish_at, Bulletin.id)
    )
    queued = 0
    for bulletin in due.all():
        claimed = await session.execute(
            update(Bulletin)
            .where(Bulletin.id == bulletin.id, Bulletin.status == BulletinStatus.SCHEDULED)
            .values(status=BulletinStatus.PUBLISHED, published_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            send_at = quiet.next_allowed(now, Priority.BULK)
            queued += await _queue(session, bulletin, config.default_locale, send_at)
            if bulletin.audience is None:
                # A narrowed bulletin is for the people it names, not for a public channel
                # or for kibbutz contacts to pass on to everyone.
                queued += await to_channel(session, bulletin, config, send_at)
                queued += await copy_bulletin(session, bulletin, config, send_at)
    return queued


async def withdraw_unsubscribed(session: AsyncSession) -> int:
    """Skip queued bulletins of people who unsubscribed from the topic since it was queued."""
    key = (
        literal(f"{KIND}:") + cast(Bulletin.id, String) + ":" + cast(Subscription.person_id, String)
    )
    withdrawn = (
        select(key)
        .join(Subscription, Subscription.topic_id == Bulletin.topic_id)
        .where(
            Bulletin.status == BulletinStatus.PUBLISHED,
            Subscription.status == SubscriptionStatus.UNSUBSCRIBED,
        )
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.dedupe_key.in_(withdrawn),
        )
        .values(status=OutboxStatus.SKIPPED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _queue(
    session: AsyncSession, bulletin: Bulletin, default_locale: str, send_at: datetime
) -> int:
    """One INSERT … SELECT per language; the dedupe key makes a second run add nothing."""
    topic = await session.get(Topic, bulletin.topic_id)
    if topic is None:
        return 0
    queued = 0
    for locale in SUPPORTED_LOCALES:
        chosen = select(
            reachable_identity(Person.id), keyed(f"{KIND}:{bulletin.id}", Person.id)
        ).where(*readers(topic.id, bulletin.audience), speaks(locale, default_locale))
        queued += await enqueue(
            session,
            chosen,
            KIND,
            reply_to_payload(bulletin_message(bulletin, topic, locale)),
            priority=Priority.BULK,
            not_before=send_at,
        )
    return queued


async def to_channel(
    session: AsyncSession, bulletin: Bulletin, config: EngineConfig, send_at: datetime
) -> int:
    """One post in the topic's Telegram channel, if it has one; paced by the dispatcher at the
    channel's own limit (20 a minute) like any chat."""
    topic = await session.get(Topic, bulletin.topic_id)
    if topic is None or not topic.telegram_channel:
        return 0
    identity = await channel_identity(session, topic.telegram_channel)
    return await enqueue(
        session,
        to_one(identity, f"{KIND}:{bulletin.id}:channel"),
        KIND,
        reply_to_payload(channel_post(bulletin, topic, config)),
        priority=Priority.BULK,
        not_before=send_at,
    )
