"""Publishing bulletins: at their time, to the topic's subscribers, once each, with a way out.

The audience is planned in the database (one INSERT … SELECT per language), so a topic with a
hundred thousand subscribers is queued without loading them into memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, cast, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.bulletin_message import bulletin_message
from handlers.context import EngineConfig
from handlers.types import reply_to_payload
from locales import SUPPORTED_LOCALES
from models.audience import reachable_identity, speaks, topic_readers
from models.base import JSONType, UTCDateTime
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.outbox import OutboxMessage, OutboxStatus, Priority
from models.people import Person
from models.subscriptions import Subscription, SubscriptionStatus
from scheduler.quiet import QuietHours

KIND = "bulletin"


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
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    identity = reachable_identity(Subscription.person_id)
    queued = 0
    for locale in SUPPORTED_LOCALES:
        payload = reply_to_payload(bulletin_message(bulletin, topic, locale))
        key = literal(f"{KIND}:{bulletin.id}:") + cast(Subscription.person_id, String)
        audience = (
            select(
                identity,
                key,
                literal(KIND),
                literal(Priority.BULK, Integer),
                literal(payload, JSONType),
                literal(send_at, UTCDateTime),
                literal(OutboxStatus.PENDING.value),
                literal(0, Integer),
                literal(send_at, UTCDateTime),
            )
            .join(Person, Person.id == Subscription.person_id)
            .where(*topic_readers(topic.id), speaks(locale, default_locale))
        )
        columns = [
            "identity_id",
            "dedupe_key",
            "kind",
            "priority",
            "payload",
            "not_before",
            "status",
            "attempts",
            "created_at",
        ]
        statement = insert(OutboxMessage).from_select(columns, audience).on_conflict_do_nothing()
        result = await session.execute(statement)
        queued += int(result.rowcount)  # type: ignore[attr-defined]
    return queued
