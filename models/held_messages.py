"""Messages held back (WhatsApp, outside the person's 24-hour window: only a notice could go)
until the person writes again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import OutboxMessage, OutboxStatus


async def release_held(session: AsyncSession, identity_id: int, now: datetime) -> int:
    """The person wrote back: what was held for them is due now; returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.identity_id == identity_id,
            OutboxMessage.status == OutboxStatus.HELD,
        )
        .values(status=OutboxStatus.PENDING, not_before=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def noticed_since(session: AsyncSession, identity_id: int, since: datetime) -> bool:
    """Whether a message held for this identity was announced (a notice sent) since then."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.identity_id == identity_id,
            OutboxMessage.status == OutboxStatus.HELD,
            OutboxMessage.sent_at > since,
        )
        .limit(1)
    )
    return found is not None
