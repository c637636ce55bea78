"""Forgetting what is no longer needed: inbound updates kept to answer redeliveries once,
files shared with a provider after they expire, reports held for messages that never came."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from models.housekeeping import delete_before
from models.inbox import InboxEntry, InboxStatus
from models.reports import EarlyReport
from models.shared_files import SharedFile
from scheduler.quiet import QuietHours

RECEIPTS_KEPT = timedelta(days=7)
"""Twilio and Telegram redeliver a webhook within minutes or hours; a week is ample. Rows
not yet answered are kept however old."""
REPORTS_HELD = timedelta(days=1)
"""The dispatcher stores a message's id within seconds of sending; a report held longer is for a
message whose dispatcher died before storing it (the message went again under a new id)."""
BATCH = 1000


async def forget_old_records(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Delete a batch of expired rows of each kind; returns how many went."""
    # Only answered updates: one still waiting (a long outage, a bug) is never dropped unanswered.
    receipts = await delete_before(
        session,
        InboxEntry.received_at,
        now - RECEIPTS_KEPT,
        BATCH,
        InboxEntry.status == InboxStatus.DONE,
    )
    files = await delete_before(session, SharedFile.expires_at, now, BATCH)
    reports = await delete_before(session, EarlyReport.received_at, now - REPORTS_HELD, BATCH)
    return receipts + files + reports
