"""Topic subscriptions and the consent trail behind them (Israeli anti-spam law)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

CONSENT_WORDING_VERSION = "2026-11-v1"
"""Bump whenever the consent message in the locale catalogues changes."""


class SubscriptionStatus(StrEnum):
    """ACTIVE after explicit consent; UNSUBSCRIBED after an opt-out, until they subscribe again."""

    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"


class ConsentAction(StrEnum):
    """What the person told us: GRANTED consent to a topic, or WITHDREW it."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    status: Mapped[SubscriptionStatus] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConsentRecord(Base):
    """Append-only proof of consent: when, on which channel, to which wording."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    action: Mapped[ConsentAction] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    wording_version: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


async def unsubscribe_all(
    session: AsyncSession, person_id: int, channel: str, now: datetime
) -> int:
    """Withdraw consent from every active subscription; returns how many there were."""
    subs = (
        await session.scalars(
            select(Subscription).where(
                Subscription.person_id == person_id,
                Subscription.status == SubscriptionStatus.ACTIVE,
            )
        )
    ).all()
    for sub in subs:
        sub.status = SubscriptionStatus.UNSUBSCRIBED
        sub.updated_at = now
        session.add(
            ConsentRecord(
                person_id=person_id,
                topic_id=sub.topic_id,
                action=ConsentAction.WITHDRAWN,
                channel=channel,
                wording_version=CONSENT_WORDING_VERSION,
                at=now,
            )
        )
    await session.flush()
    return len(subs)
