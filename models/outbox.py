"""Outbox: every proactive message is a row first, sent later by the dispatcher."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """PENDING → SENDING (claimed by a dispatcher) → SENT → DELIVERED → READ;
    SENDING → PENDING again after a retryable error; FAILED when retries run out or the
    provider refuses; SKIPPED when the recipient blocked us or withdrew consent."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    SKIPPED = "skipped"


class Priority:
    """Lower sends first: replies and reminders never wait behind a bulk broadcast."""

    INTERACTIVE = 0
    REMINDER = 10
    NOTICE = 20
    BULK = 50


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), index=True
    )
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=Priority.BULK)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


async def enqueue(
    session: AsyncSession,
    identity_id: int,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None,
    priority: int = Priority.BULK,
    not_before: datetime | None = None,
) -> bool:
    """Queue a proactive message once per dedupe key; False if that key was already queued."""
    values = {
        "identity_id": identity_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "priority": priority,
        "not_before": not_before or utcnow(),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
