"""Small builders for scheduler stories: people who talk to the bot, and what was queued."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from models.outbox import OutboxMessage
from models.people import Channel, ChannelIdentity, identify
from scheduler.quiet import DEFAULT_QUIET_HOURS, QuietHours
from tests.support import NOW

Sessions = async_sessionmaker[AsyncSession]
CONFIG = EngineConfig()
QUIET: QuietHours = DEFAULT_QUIET_HOURS


async def someone(
    session: AsyncSession, address: str, locale: str = "he", channel: Channel = Channel.TELEGRAM
) -> ChannelIdentity:
    """A person who has written to the bot from `address`."""
    identity = await identify(session, channel, address, None, NOW)
    identity.person.locale = locale
    await session.flush()
    return identity


async def outbox(sessions: Sessions, kind: str) -> list[OutboxMessage]:
    """Everything queued of one kind, in queueing order."""
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list((await session.scalars(query)).all())
