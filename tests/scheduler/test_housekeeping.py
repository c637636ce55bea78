"""Old answered inbound updates are forgotten after a week, a batch at a time; recent ones
and unanswered ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from models.inbox import Arrival, InboxEntry, InboxStatus, store
from models.people import Channel
from scheduler.housekeeping import BATCH, forget_old_records
from tests.scheduler.support import CONFIG, QUIET, Sessions
from tests.support import NOW


def message(sid: str) -> Arrival:
    return Arrival(Channel.WHATSAPP, sid, "message", "whatsapp:+972501234567", {"Body": "hi"})


async def stored(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxEntry)) or 0)


async def test_a_week_old_update_is_forgotten_in_batches_and_a_recent_one_kept(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        old = [message(f"SM-old-{n}") for n in range(BATCH + 5)]
        await store(session, old, NOW - timedelta(days=8))
        await session.execute(update(InboxEntry).values(status=InboxStatus.DONE, payload=None))
        await store(session, [message("SM-today")], NOW - timedelta(hours=1))

    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == BATCH
    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == 5
    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == 0
    assert await stored(sessions) == 1

    # The recent message is still recognised when Twilio delivers it again: not stored twice.
    async with sessions() as session, session.begin():
        await store(session, [message("SM-today")], NOW)
    assert await stored(sessions) == 1


async def test_an_old_update_never_answered_is_kept(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await store(session, [message("SM-waiting")], NOW - timedelta(days=30))

    async with sessions() as session, session.begin():
        assert await forget_old_records(session, NOW, CONFIG, QUIET) == 0
    assert await stored(sessions) == 1
