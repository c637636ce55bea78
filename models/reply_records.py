"""Replies sent in a conversation rather than through the outbox, recorded when it matters: a
file (the provider may refuse it after accepting the call) or a send that failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority
from models.people import Channel, ChannelIdentity


async def record_reply(
    session: AsyncSession,
    channel: Channel,
    address: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    provider_id: str | None = None,
    error: str | None = None,
) -> None:
    """Note a reply sent in a conversation rather than through the queue — a file, or a send
    that failed — so the failure, or the provider's later report on it, is on record."""
    identity_id = await session.scalar(
        select(ChannelIdentity.id).where(
            ChannelIdentity.channel == channel, ChannelIdentity.address == address
        )
    )
    if identity_id is None:
        return
    session.add(
        OutboxMessage(
            identity_id=identity_id,
            kind=OutboxKind.REPLY,
            priority=Priority.INTERACTIVE,
            payload=payload,
            not_before=now,
            status=OutboxStatus.FAILED if error else OutboxStatus.SENT,
            attempts=1,
            provider_id=provider_id,
            last_error=error,
            created_at=now,
            sent_at=None if error else now,
        )
    )
