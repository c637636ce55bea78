"""The inbox hands each chat's updates out in arrival order, one worker at a time, and takes
back what a dead worker held once its lease runs out; a live one keeps what it holds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.inbox import Arrival, Claimed, claim, finish, keep, store
from tests.support import NOW

LEASE = timedelta(seconds=30)
Sessions = async_sessionmaker[AsyncSession]


def said(chat: str, n: int) -> Arrival:
    return Arrival("telegram", f"1:{chat}-{n}", "update", chat, {"n": n})


async def claimed_by(sessions: Sessions, worker: str, at: timedelta = timedelta()) -> list[Claimed]:
    async with sessions() as session, session.begin():
        return await claim(session, worker, NOW + at, limit=10, lease=LEASE, channels=["telegram"])


async def done(sessions: Sessions, worker: str, rows: list[Claimed]) -> None:
    async with sessions() as session, session.begin():
        await finish(session, worker, [row.id for row in rows])


def names(rows: list[Claimed]) -> list[tuple[str, int]]:
    return [(row.chat, row.payload["n"]) for row in rows]


async def test_a_chat_is_answered_in_order_by_one_worker_at_a_time(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await store(session, [said("maya", 1), said("oded", 1), said("maya", 2)], NOW)
        await store(session, [said("maya", 1)], NOW)  # Telegram sent it again
    first = await claimed_by(sessions, "a")
    assert names(first) == [("maya", 1), ("oded", 1), ("maya", 2)]

    async with sessions() as session, session.begin():
        await store(session, [said("maya", 3), said("noa", 1)], NOW)
    # Maya's third waits behind the two worker a holds; Noa is free.
    assert names(await claimed_by(sessions, "b")) == [("noa", 1)]
    await done(sessions, "a", first)
    assert names(await claimed_by(sessions, "b")) == [("maya", 3)]


async def test_what_a_dead_worker_held_is_taken_back_after_the_lease(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await store(session, [said("maya", 1), said("maya", 2)], NOW)
    held = await claimed_by(sessions, "dead")
    assert len(held) == 2
    assert await claimed_by(sessions, "b", timedelta(seconds=10)) == []
    again = await claimed_by(sessions, "b", LEASE + timedelta(seconds=1))
    assert names(again) == [("maya", 1), ("maya", 2)]
    assert [row.attempts for row in again] == [2, 2]
    await done(sessions, "dead", held)  # too late: the rows are b's now
    await done(sessions, "b", again)
    assert await claimed_by(sessions, "c", LEASE * 3) == []


async def test_a_slow_worker_that_keeps_its_lease_is_not_answered_over(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await store(session, [said("maya", 1)], NOW)
    held = await claimed_by(sessions, "slow")
    async with sessions() as session, session.begin():
        await keep(session, "slow", NOW + LEASE - timedelta(seconds=1))
    # Past the first lease, but renewed within it: still the slow worker's.
    assert await claimed_by(sessions, "b", LEASE + timedelta(seconds=10)) == []
    await done(sessions, "slow", held)
    assert await claimed_by(sessions, "b", LEASE * 3) == []
