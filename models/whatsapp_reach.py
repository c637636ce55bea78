"""WhatsApp's messaging tier: a business number may start conversations (templates, outside the
person's 24-hour window) with only so many unique people per rolling 24 hours. Each person
reached that way is noted here; past the tier, the rest wait until a slot frees instead of
failing with Twilio's 63018."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Select, delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime
from models.people import Channel, ChannelIdentity

ROLLING = timedelta(hours=24)
WINDOW = timedelta(hours=24)
"""WhatsApp allows free-form messages for 24 hours after the person last wrote."""
TIER_LOCK = 0x7761_7469
"""PostgreSQL advisory lock key: instances take tier slots one at a time."""


class WhatsAppReach(Base):
    __tablename__ = "whatsapp_reach"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), index=True
    )
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Whether a free-form message may go: the person wrote within the last 24 hours."""
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


async def reserve(
    session: AsyncSession, identity_id: int, now: datetime, tier: int
) -> datetime | None:
    """Take a tier slot for starting a conversation with this identity: None when it may go
    now (already reached within 24 hours, or a slot was free), else when a slot frees."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TIER_LOCK})
    since = now - ROLLING
    await session.execute(delete(WhatsAppReach).where(WhatsAppReach.reached_at <= since))
    recent = WhatsAppReach.reached_at > since
    if await session.scalar(
        select(WhatsAppReach.id).where(WhatsAppReach.identity_id == identity_id, recent).limit(1)
    ):
        return None
    reached, oldest = (
        await session.execute(
            select(
                func.count(func.distinct(WhatsAppReach.identity_id)),
                func.min(WhatsAppReach.reached_at),
            ).where(recent)
        )
    ).one()
    if reached >= tier:
        return (oldest or now) + ROLLING
    session.add(WhatsAppReach(identity_id=identity_id, reached_at=now))
    await session.flush()
    return None


async def beyond_tier(
    session: AsyncSession, identities: Select[int], now: datetime, tier: int
) -> int:
    """Of these identity ids, how many WhatsApp ones must wait for a later day: outside their
    window, not reached lately, and more than the slots left in the tier."""
    since = now - ROLLING
    chosen = identities.subquery()
    reached = select(WhatsAppReach.identity_id).where(WhatsAppReach.reached_at > since)
    closed = or_(
        ChannelIdentity.last_inbound_at.is_(None), ChannelIdentity.last_inbound_at <= now - WINDOW
    )
    outside = await session.scalar(
        select(func.count())
        .select_from(ChannelIdentity)
        .where(
            ChannelIdentity.id.in_(select(chosen.c[0])),
            ChannelIdentity.channel == Channel.WHATSAPP,
            closed,
            ChannelIdentity.id.not_in(reached),
        )
    )
    used = await session.scalar(
        select(func.count(func.distinct(WhatsAppReach.identity_id))).where(
            WhatsAppReach.reached_at > since
        )
    )
    return max(0, int(outside or 0) - max(0, tier - int(used or 0)))
