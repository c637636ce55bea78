"""Waiting-list offers that lapsed, and seats left free while people wait: offered to the next
in line by the scheduler."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from handlers.people.waitlist import expire_offers
from scheduler.quiet import QuietHours


async def expire_lapsed_offers(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Expire offers past their time and offer each seat (and any seat left free) on; returns
    the new offers queued.
    Offers are not held for quiet hours: their expiry clock is already running."""
    return await expire_offers(session, now, config)
