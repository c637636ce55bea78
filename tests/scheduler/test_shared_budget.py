"""Instances on one PostgreSQL draw on one send budget, and a 429 one of them meets holds all of
them back; without PostgreSQL, a 429 still holds back everything this process sends."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import create_engine
from scheduler.ratelimit import RateLimiter
from scheduler.shared_budget import DatabaseBudgets, SharedSlots

RATE = 50.0


async def slot_times(slots: SharedSlots, count: int) -> list[float]:
    """When each of `count` slots taken now may be used, on this process's clock."""
    times = []
    for _ in range(count):
        wait = await slots.reserve()
        times.append(time.monotonic() + wait)
    return times


def postgres_only(db: AsyncEngine) -> None:
    if make_url(str(db.url)).get_backend_name() != "postgresql":
        pytest.skip("the shared budget lives in PostgreSQL")


async def test_two_instances_together_get_the_rate_of_one(db: AsyncEngine) -> None:
    postgres_only(db)
    other = create_engine(db.url.render_as_string(hide_password=False))
    try:
        first, second = (
            SharedSlots(DatabaseBudgets(db), "telegram", RATE),
            SharedSlots(DatabaseBudgets(other), "telegram", RATE),
        )
        booked = await asyncio.gather(slot_times(first, 100), slot_times(second, 100))
    finally:
        await other.dispose()
    together = sorted(booked[0] + booked[1])
    # 200 messages at 50 a second take four seconds, however they are split between the two.
    assert together[-1] - together[0] >= 199 / RATE * 0.95


async def test_a_429_seen_by_one_instance_holds_back_the_other(db: AsyncEngine) -> None:
    postgres_only(db)
    other = create_engine(db.url.render_as_string(hide_password=False))
    try:
        throttled, bystander = (
            SharedSlots(DatabaseBudgets(db), "whatsapp", RATE),
            SharedSlots(DatabaseBudgets(other), "whatsapp", RATE),
        )
        await throttled.hold(2.0)
        assert await bystander.reserve() > 1.5  # the rest of the two seconds, less a round trip
    finally:
        await other.dispose()


async def test_a_429_holds_back_what_was_already_waiting_its_turn() -> None:
    limiter = RateLimiter(2, burst=1)
    started = time.monotonic()
    await limiter.acquire_overall()  # at once; the next slot is half a second away
    waiting = asyncio.create_task(limiter.acquire_overall())
    await asyncio.sleep(0.1)
    await limiter.pause(1.0)  # Telegram: retry after a second
    await waiting
    assert time.monotonic() - started >= 1.05
