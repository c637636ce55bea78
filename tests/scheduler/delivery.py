"""Helpers for the delivery tests and the broadcast benchmark: many recipients, a broadcast,
the stand-in Bot API, and a dispatcher sending to it through the real Telegram sender."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest_asyncio
from sqlalchemy import Integer, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.sender import TelegramSender, outbox_bot
from handlers.core.types import Reply, reply_to_payload
from models.base import UTCDateTime, utcnow
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, each, enqueue, to_one
from models.people import Channel, ChannelIdentity
from scheduler.dispatcher import Dispatcher, DispatchPolicy
from scheduler.ratelimit import telegram_limiter
from tests.bot.telegram.standin import TOKEN, StandIn

FIRST_CHAT = 1_000_000
"""Chat ids of seeded recipients start here: chat id = FIRST_CHAT + person id."""


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


async def seed_recipients(session: AsyncSession, count: int, now: datetime) -> None:
    """`count` people, each with a Telegram identity, made by the database itself."""
    start = await session.scalar(select(func.coalesce(func.max(ChannelIdentity.person_id), 0)))
    params = {"first": int(start or 0) + 1, "last": int(start or 0) + count, "now": now}
    typed = (
        bindparam("first", type_=Integer),
        bindparam("last", type_=Integer),
        bindparam("now", type_=UTCDateTime),
    )
    numbers = "WITH RECURSIVE n(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM n WHERE i < :last)"
    await session.execute(
        text(
            f"{numbers} INSERT INTO people (id, interests, roles, created_at) "
            "SELECT i, '[]', '[]', :now FROM n"
        ).bindparams(*typed),
        params,
    )
    await session.execute(
        text(
            f"{numbers} INSERT INTO channel_identities "
            "(person_id, channel, address, status, created_at) "
            f"SELECT i, 'telegram', CAST(i + {FIRST_CHAT} AS VARCHAR(20)), 'active', :now FROM n"
        ).bindparams(*typed),
        params,
    )
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT setval('people_id_seq', (SELECT max(id) FROM people))"))


async def broadcast(session: AsyncSession, message: str, now: datetime, name: str = "b1") -> int:
    """Queue `message` as a bulk message to every Telegram identity."""
    everyone = select(ChannelIdentity.id).where(ChannelIdentity.channel == Channel.TELEGRAM)
    return await enqueue(
        session,
        each(everyone, f"broadcast:{name}"),
        OutboxKind.BROADCAST,
        reply_to_payload(Reply(message)),
        priority=Priority.BULK,
        not_before=now,
    )


async def reply_to(session: AsyncSession, chat_id: int, message: str, now: datetime) -> int:
    """Queue an interactive reply to one chat; returns the row id."""
    identity_id = await session.scalar(
        select(ChannelIdentity.id).where(ChannelIdentity.address == str(chat_id))
    )
    assert identity_id is not None
    await enqueue(
        session,
        to_one(identity_id, f"reply:{uuid.uuid4().hex}"),
        OutboxKind.BROADCAST_PROGRESS,
        reply_to_payload(Reply(message)),
        priority=Priority.INTERACTIVE,
        not_before=now,
    )
    row_id = await session.scalar(select(func.max(OutboxMessage.id)))
    assert row_id is not None
    return int(row_id)


def dispatcher(
    sessions: async_sessionmaker[AsyncSession],
    base_url: str,
    policy: DispatchPolicy | None = None,
    rate: float = 10_000,
    clock: Callable[[], datetime] = utcnow,
) -> Dispatcher:
    """A dispatcher sending through the real Telegram sender to `base_url`."""
    sender = TelegramSender(outbox_bot(TOKEN, base_url))
    limiters = {Channel.TELEGRAM: telegram_limiter(rate)}
    return Dispatcher(sessions, [sender], limiters=limiters, policy=policy, clock=clock)


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> dict[OutboxStatus, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {OutboxStatus(status): count for status, count in rows.all()}
