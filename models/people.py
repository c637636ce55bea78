"""People and the channel identities through which they reach us."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JSONType, UTCDateTime, utcnow


class Channel(StrEnum):
    """Where a person talks to us."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    CONSOLE = "console"


class IdentityStatus(StrEnum):
    """An identity is ACTIVE until the platform tells us the person blocked us (BLOCKED);
    a new inbound message from them makes it ACTIVE again."""

    ACTIVE = "active"
    BLOCKED = "blocked"


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(32))
    home: Mapped[str | None] = mapped_column(String(200), doc="home kibbutz or city")
    background: Mapped[str | None] = mapped_column(String(32))
    life_stage: Mapped[str | None] = mapped_column(String(32))
    age_band: Mapped[str | None] = mapped_column(String(16))
    settlement: Mapped[str | None] = mapped_column(String(16), doc="urban or rural")
    interests: Mapped[list[str]] = mapped_column(JSONType, default=list)
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True, doc="E.164")
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="person")

    def profile(self) -> dict[str, Any]:
        """The person's answers that flows reuse instead of asking again."""
        return {
            "region": self.region,
            "background": self.background,
            "life_stage": self.life_stage,
            "age_band": self.age_band,
            "settlement": self.settlement,
            "interests": list(self.interests or []),
        }


class ChannelIdentity(Base):
    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64), doc="chat id or whatsapp:+972…")
    display_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[IdentityStatus] = mapped_column(String(16), default=IdentityStatus.ACTIVE)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="identities", lazy="joined")


async def identify(
    session: AsyncSession,
    channel: Channel,
    address: str,
    display_name: str | None,
    now: datetime,
) -> ChannelIdentity:
    """Find or create the identity (and its person) behind an inbound message, marking it seen."""
    identity = await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.address == address
        )
    )
    if identity is None:
        person = Person(interests=[], roles=[])
        identity = ChannelIdentity(
            person=person, channel=channel, address=address, display_name=display_name
        )
        session.add(identity)
    identity.last_inbound_at = now
    identity.status = IdentityStatus.ACTIVE
    if display_name:
        identity.display_name = display_name
    await session.flush()
    return identity
