"""The dispatcher sends the outbox through the real Telegram sender to a stand-in Bot API:
urgent messages first, Telegram's refusals handled the way Telegram asks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import create_engine, sessionmaker
from models.outbox import OutboxMessage, OutboxStatus
from models.people import ChannelIdentity, IdentityStatus
from scheduler.dispatcher import DispatchPolicy
from tests.bot.telegram.standin import StandIn
from tests.scheduler.delivery import (
    FIRST_CHAT,
    broadcast,
    dispatcher,
    reply_to,
    seed_recipients,
    standin,
    statuses,
)
from tests.support import NOW, Clock

__all__ = ["standin"]

ONE_AT_A_TIME = DispatchPolicy(batch_size=1, window=1)


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def chats(server: StandIn) -> list[int]:
    return [call.chat_id for call in server.of("sendMessage") if call.chat_id is not None]


async def test_a_reply_goes_out_in_the_first_batch_even_behind_a_big_broadcast(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 200, NOW)
        assert await broadcast(session, "The cooperative circle's bulletin is out", NOW) == 200
        await reply_to(session, FIRST_CHAT + 200, "You are registered", NOW)
    policy = DispatchPolicy(batch_size=50, window=50)
    await dispatcher(sessions, standin.base_url, policy, clock=clock).run(until_idle=True)
    sent = chats(standin)
    assert len(sent) == 201
    assert FIRST_CHAT + 200 in sent[:50]
    first, second = standin.sent(FIRST_CHAT + 200)
    assert (first.params["text"], second.params["text"]) == (
        "You are registered",
        "The cooperative circle's bulletin is out",
    )
    rows = await outbox(sessions)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert all(r.provider_id and r.sent_at == NOW and r.attempts == 1 for r in rows)


async def test_telegrams_retry_after_is_honoured(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        await broadcast(session, "Bulletin", NOW)
    standin.fail("sendMessage", 429, retry_after=2)
    send = dispatcher(sessions, standin.base_url, clock=clock)
    await send.run(until_idle=True)
    (row,) = await outbox(sessions)
    assert (row.status, row.attempts, row.not_before) == (
        OutboxStatus.PENDING,
        1,
        NOW + timedelta(seconds=2),
    )
    assert "Retry in 2" in (row.last_error or "")
    clock.advance(seconds=1)
    await send.run(until_idle=True)
    assert len(standin.of("sendMessage")) == 1  # still waiting
    clock.advance(seconds=1)
    await send.run(until_idle=True)
    (row,) = await outbox(sessions)
    assert row.status == OutboxStatus.SENT and len(standin.of("sendMessage")) == 2


async def test_someone_who_blocked_the_bot_gets_nothing_more(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 2, NOW)
        blocker = FIRST_CHAT + 1
        for name in ("1", "2", "3"):
            await broadcast(session, f"Bulletin {name}", NOW, name=name)
    standin.fail("sendMessage", 403)
    send = dispatcher(sessions, standin.base_url, ONE_AT_A_TIME, clock=clock)
    await send.run(until_idle=True)
    assert chats(standin) == [blocker, *[FIRST_CHAT + 2] * 3]
    async with sessions() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.address == str(blocker))
        )
    assert identity is not None and identity.status == IdentityStatus.BLOCKED
    theirs = [r for r in await outbox(sessions) if r.identity_id == identity.id]
    assert [r.status for r in theirs] == [OutboxStatus.SKIPPED] * 3
    assert "blocked" in (theirs[0].last_error or "")

    async with sessions() as session, session.begin():
        await broadcast(session, "Next week", NOW, name="4")
    await send.run(until_idle=True)
    assert chats(standin).count(blocker) == 1
    assert await statuses(sessions) == {OutboxStatus.SENT: 4, OutboxStatus.SKIPPED: 4}


async def test_server_errors_are_retried_with_growing_waits_then_given_up(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        await broadcast(session, "Bulletin", NOW)
    standin.fail("sendMessage", 500, times=3)
    policy = DispatchPolicy(max_attempts=3, backoff=2)
    send = dispatcher(sessions, standin.base_url, policy, clock=clock)
    waits = []
    for _ in range(2):
        await send.run(until_idle=True)
        (row,) = await outbox(sessions)
        assert row.status == OutboxStatus.PENDING
        waits.append((row.not_before - clock.now).total_seconds())
        clock.now = row.not_before
    assert 1 <= waits[0] <= 2 and 2 <= waits[1] <= 4
    await send.run(until_idle=True)
    (row,) = await outbox(sessions)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert "injected" in (row.last_error or "").lower()
    assert len(standin.of("sendMessage")) == 3


async def test_an_unreachable_server_is_retried_later(
    sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        await broadcast(session, "Bulletin", NOW)
    await dispatcher(sessions, "http://127.0.0.1:9/bot", clock=clock).run(until_idle=True)
    (row,) = await outbox(sessions)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.not_before > NOW and row.last_error


async def test_a_message_telegram_rejects_fails_without_retrying(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        await broadcast(session, "Bulletin", NOW)
    standin.fail("sendMessage", 400)
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    (row,) = await outbox(sessions)
    assert row.status == OutboxStatus.FAILED
    assert "injected" in (row.last_error or "").lower()
    assert len(standin.of("sendMessage")) == 1


async def test_two_dispatchers_with_their_own_pools_send_each_message_once(
    database_url: str, sessions: async_sessionmaker[AsyncSession], standin: StandIn
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 200, NOW)
        await broadcast(session, "Bulletin", NOW)
    other = create_engine(database_url)
    policy = DispatchPolicy(batch_size=25, window=50)
    pair = [
        dispatcher(sessions, standin.base_url, policy),
        dispatcher(sessionmaker(other), standin.base_url, policy),
    ]
    await asyncio.gather(*(one.run(until_idle=True) for one in pair))
    await other.dispose()
    sent = chats(standin)
    assert len(sent) == 200 and len(set(sent)) == 200
    assert await statuses(sessions) == {OutboxStatus.SENT: 200}
    async with sessions() as session:
        workers = set(await session.scalars(select(OutboxMessage.claimed_by)))
    assert workers == {one.worker for one in pair}


async def test_a_chat_sent_many_messages_gets_them_paced_not_dropped(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        for n in range(6):
            await reply_to(session, FIRST_CHAT + 1, f"Answer {n}", NOW)
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    # Three at once, a fourth a second later; the rest go back to the queue until the chat
    # is free instead of holding up other people's messages.
    assert len(standin.sent(FIRST_CHAT + 1)) == 4
    waiting = [r for r in await outbox(sessions) if r.status == OutboxStatus.PENDING]
    assert len(waiting) == 2
    assert all(r.not_before > NOW and r.attempts == 0 for r in waiting)
