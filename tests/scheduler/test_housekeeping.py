"""Old inbound message ids are forgotten after a week, a batch at a time; recent ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models.people import Channel
from models.receipts import InboundReceipt, first_receipt
from scheduler.housekeeping import BATCH, forget_old_records
from tests.scheduler.support import CONFIG, QUIET, Sessions
from tests.support import NOW


async def receipts(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InboundReceipt)) or 0)


async def test_a_week_old_message_id_is_forgotten_in_batches_and_a_recent_one_kept(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        for n in range(BATCH + 5):
            await first_receipt(session, Channel.WHATSAPP, f"SM-old-{n}", NOW - timedelta(days=8))
        await first_receipt(session, Channel.WHATSAPP, "SM-today", NOW - timedelta(hours=1))

    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == BATCH
    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == 5
    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == 0
    assert await receipts(sessions) == 1

    # The recent message is still recognised when Twilio delivers it again.
    async with sessions() as session, session.begin():
        assert not await first_receipt(session, Channel.WHATSAPP, "SM-today", NOW)
