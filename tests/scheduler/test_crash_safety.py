"""A dispatcher killed mid-broadcast loses nothing: after a restart every message arrives, and
no more are sent twice than were in flight when it died."""

from __future__ import annotations

import asyncio
import sys

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus
from tests.bot.telegram.standin import PATIENCE, StandIn
from tests.scheduler.delivery import FIRST_CHAT, broadcast, seed_recipients, standin, statuses

pytestmark = pytest.mark.slow

__all__ = ["standin"]

RECIPIENTS = 300
WINDOW = 40
DISPATCHER = f"""
import asyncio, sys
from datetime import timedelta
from models.db import create_engine, sessionmaker
from scheduler.dispatcher import DispatchPolicy
from tests.scheduler.delivery import dispatcher

policy = DispatchPolicy(batch_size=20, window={WINDOW}, lease=timedelta(seconds=2), poll=0.1)
sessions = sessionmaker(create_engine(sys.argv[1]))
asyncio.run(dispatcher(sessions, sys.argv[2], policy, rate=100).run())
"""
"""A dispatcher process on its own, sending at 100 a second until it is killed."""


async def start_dispatcher(database_url: str, base_url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", DISPATCHER, database_url, base_url
    )


async def unfinished(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).where(
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
            )
        )
        return int(count or 0)


async def test_a_killed_dispatcher_loses_nothing_and_repeats_little(
    database_url: str, sessions: async_sessionmaker[AsyncSession], standin: StandIn
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, RECIPIENTS, utcnow())
        await broadcast(session, "The bulletin is out", utcnow())

    first = await start_dispatcher(database_url, standin.base_url)
    await standin.wait_for(lambda: len(standin.of("sendMessage")) >= 100)
    first.kill()  # SIGKILL: no chance to finish or record anything
    await first.wait()
    assert len(standin.of("sendMessage")) < RECIPIENTS
    assert OutboxStatus.PENDING in await statuses(sessions)

    second = await start_dispatcher(database_url, standin.base_url)
    try:
        async with asyncio.timeout(PATIENCE * 2):
            while True:
                if not await unfinished(sessions):
                    break
                await asyncio.sleep(0.2)  # the other process gives no signal to wait on
    finally:
        second.kill()
        await second.wait()

    assert await statuses(sessions) == {OutboxStatus.SENT: RECIPIENTS}
    received = [call.chat_id for call in standin.of("sendMessage")]
    assert set(received) == {FIRST_CHAT + n for n in range(1, RECIPIENTS + 1)}
    assert len(received) - RECIPIENTS <= WINDOW
