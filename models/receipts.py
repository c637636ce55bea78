"""Inbound message ids already taken in: providers redeliver webhooks, we answer once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class InboundReceipt(Base):
    __tablename__ = "inbound_receipts"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


async def first_receipt(
    session: AsyncSession, channel: str, message_id: str, now: datetime
) -> bool:
    """Record that `message_id` arrived; False when it had arrived before (a redelivery)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InboundReceipt)
        .values(channel=channel, message_id=message_id, received_at=now)
        .on_conflict_do_nothing()
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
