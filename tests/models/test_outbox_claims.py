"""Dispatchers claim due rows most urgent first, never the same row twice at once, and take
over rows whose dispatcher died."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, sessionmaker
from models.outbox import (
    Claim,
    OutboxMessage,
    OutboxStatus,
    Settlement,
    claim_due,
    settle,
    skip_pending,
)
from models.people import Channel, ChannelIdentity, IdentityStatus
from tests.scheduler.delivery import FIRST_CHAT, broadcast, reply_to, seed_recipients
from tests.support import NOW

LEASE = timedelta(minutes=2)


async def claim(
    session: AsyncSession, worker: str, limit: int = 10, later: timedelta = timedelta()
) -> list[Claim]:
    return await claim_due(
        session, worker, NOW + later, limit=limit, lease=LEASE, channels=[Channel.TELEGRAM]
    )


async def rows(sessions: async_sessionmaker[AsyncSession]) -> dict[int, OutboxMessage]:
    async with sessions() as session:
        return {r.id: r for r in (await session.scalars(select(OutboxMessage))).all()}


async def test_urgent_rows_are_claimed_before_a_broadcast_queued_earlier(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 30, NOW)
        assert await broadcast(session, "Bulletin", NOW) == 30
        reply = await reply_to(session, FIRST_CHAT + 7, "Your seat is confirmed", NOW)
    async with sessions() as session, session.begin():
        first = await claim(session, "a", limit=5)
    assert first[0].id == reply
    assert len(first) == 5 and all(not c.blocked for c in first)
    stored = await rows(sessions)
    assert {stored[c.id].status for c in first} == {OutboxStatus.SENDING}
    assert {stored[c.id].claimed_by for c in first} == {"a"}
    assert sum(r.status == OutboxStatus.PENDING for r in stored.values()) == 26


async def test_rows_not_yet_due_wait(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 3, NOW)
        await broadcast(session, "Tomorrow", NOW + timedelta(hours=1))
    async with sessions() as session, session.begin():
        assert await claim(session, "a") == []
    async with sessions() as session, session.begin():
        assert len(await claim(session, "a", later=timedelta(hours=1))) == 3


async def test_a_dead_dispatchers_rows_are_taken_over_after_the_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 4, NOW)
        await broadcast(session, "Bulletin", NOW)
    async with sessions() as session, session.begin():
        assert len(await claim(session, "dead")) == 4
    async with sessions() as session, session.begin():
        assert await claim(session, "alive", later=LEASE) == []
    async with sessions() as session, session.begin():
        taken = await claim(session, "alive", later=LEASE + timedelta(seconds=1))
    assert len(taken) == 4
    assert {r.claimed_by for r in (await rows(sessions)).values()} == {"alive"}


async def test_a_late_outcome_from_a_dispatcher_that_lost_its_claim_is_ignored(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 1, NOW)
        await broadcast(session, "Bulletin", NOW)
    async with sessions() as session, session.begin():
        (slow,) = await claim(session, "slow")
    async with sessions() as session, session.begin():
        await claim(session, "fast", later=LEASE * 2)
        await settle(session, "fast", [Settlement(slow.id, OutboxStatus.SENT, 1, provider_id="9")])
    async with sessions() as session, session.begin():
        failed = Settlement(slow.id, OutboxStatus.FAILED, 1, last_error="timeout")
        await settle(session, "slow", [failed])
    row = (await rows(sessions))[slow.id]
    assert (row.status, row.provider_id, row.last_error) == (OutboxStatus.SENT, "9", None)


async def test_claims_say_when_the_recipient_blocked_us(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 2, NOW)
        await broadcast(session, "One", NOW, name="1")
        await broadcast(session, "Two", NOW, name="2")
        await session.execute(
            update(ChannelIdentity)
            .where(ChannelIdentity.address == str(FIRST_CHAT + 1))
            .values(status=IdentityStatus.BLOCKED)
        )
    async with sessions() as session, session.begin():
        claims = await claim(session, "a")
    assert len(claims) == 4
    assert all(c.blocked == (c.address == str(FIRST_CHAT + 1)) for c in claims)


async def test_skipping_an_identity_leaves_only_what_is_already_in_hand(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await seed_recipients(session, 2, NOW)
        await broadcast(session, "One", NOW, name="1")
        await broadcast(session, "Two", NOW, name="2")
    async with sessions() as session, session.begin():
        (first,) = await claim(session, "a", limit=1)
        assert await skip_pending(session, first.identity_id) == 1
    mine = [r.status for r in (await rows(sessions)).values() if r.identity_id == first.identity_id]
    others = [
        r.status for r in (await rows(sessions)).values() if r.identity_id != first.identity_id
    ]
    assert sorted(mine) == [OutboxStatus.SENDING, OutboxStatus.SKIPPED]
    assert others == [OutboxStatus.PENDING, OutboxStatus.PENDING]


@pytest.mark.postgres
async def test_on_postgresql_a_second_dispatcher_skips_rows_locked_by_the_first(
    database_url: str, db: AsyncEngine
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has a single dispatcher")
    other = create_engine(database_url)
    first, second = sessionmaker(db), sessionmaker(other)
    async with first() as session, session.begin():
        await seed_recipients(session, 20, NOW)
        await broadcast(session, "Bulletin", NOW)
    async with first() as one, one.begin():
        mine = await claim(one, "one")
        # The first transaction is still open: its rows are locked, not yet committed.
        async with second() as two, two.begin():
            theirs = await asyncio.wait_for(claim(two, "two"), timeout=30)
    await other.dispose()
    assert len(mine) == len(theirs) == 10
    assert not {c.id for c in mine} & {c.id for c in theirs}
