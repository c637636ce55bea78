"""A platform's send budget shared by every instance: in PostgreSQL (models/send_budget.py), or
in Redis where REDIS_URL is set (scheduler/redis_budget.py); both keep the same two numbers.

Each instance takes slots a tenth of a second's worth at a time, so the store sees ten small
requests a second per busy instance, not one per message; slots are spaced at the rate across
all instances together. Slots an instance took and did not use in time are dropped, never used
late, so the combined rate stays at or under the limit. If the store cannot be reached the
instance falls back to pacing itself alone at the full rate, and says so in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from models.send_budget import hold, take
from scheduler.ratelimit import Monotonic, TokenBucket

log = logging.getLogger(__name__)

BLOCK = 0.1
"""Seconds' worth of slots taken at once."""
AGEING = 0.0001
"""Seconds added to the best round trip at each exchange: after some thousands of exchanges a
slower one may measure the clocks again."""


class Unreachable(Exception):
    """The store of the shared budgets did not answer."""


class BudgetStore(Protocol):
    """Where the budgets are kept: each is the moment its next slot is free (`due`) and the
    moment a 429 lets sending start again (`held`), on the store's own clock."""

    async def take(self, name: str, count: int, interval: float) -> tuple[float, float, float]:
        """Reserve `count` slots `interval` seconds apart, the first as early as the budget
        allows; returns (the first slot, no sending before, the store's now), epoch seconds.
        Raises Unreachable."""
        ...

    async def hold(self, name: str, seconds: float) -> None:
        """No slot before `seconds` from now. Raises Unreachable."""
        ...

    async def close(self) -> None: ...


class DatabaseBudgets:
    """The budgets in PostgreSQL, beside everything else the instances share."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def take(self, name: str, count: int, interval: float) -> tuple[float, float, float]:
        try:
            async with self.engine.begin() as conn:
                return await take(conn, name, count, interval)
        except (OSError, SQLAlchemyError) as exc:
            raise Unreachable(type(exc).__name__) from exc

    async def hold(self, name: str, seconds: float) -> None:
        try:
            async with self.engine.begin() as conn:
                await hold(conn, name, seconds)
        except (OSError, SQLAlchemyError) as exc:
            raise Unreachable(type(exc).__name__) from exc

    async def close(self) -> None:
        """The engine is the application's, closed with it."""


class SharedSlots:
    """Slots of the named budget, drawn from the store in blocks."""

    def __init__(
        self, store: BudgetStore, name: str, rate: float, clock: Monotonic = time.monotonic
    ) -> None:
        self.store = store
        self.name = name
        self.interval = 1.0 / rate
        self.block = max(1, round(rate * BLOCK))
        self._clock = clock
        self._next = 0.0
        """The next slot in hand, on this process's monotonic clock."""
        self._left = 0
        self._lock = asyncio.Lock()
        self._alone = TokenBucket(rate, self.block, clock)
        self.held_until = 0.0
        """No sending before this (this process's clock): a 429 met by any instance."""
        self._offset = 0.0
        """This process's clock minus the store's, from the quickest exchange seen."""
        self._best = float("inf")
        """That exchange's round trip; it ages, so a drifting clock is measured again."""

    async def reserve(self) -> float:
        """Take the next slot; returns how many seconds to wait before using it."""
        async with self._lock:
            now = self._clock()
            lapsed = min(self._left, int((now - self._next) / self.interval))
            if lapsed > 0:
                self._next += lapsed * self.interval
                self._left -= lapsed
            if not self._left:
                try:
                    await self._refill()
                except Unreachable:
                    log.warning("send budget %s: store unreachable, pacing alone", self.name)
                    return self._alone.reserve()
            slot = self._next
            self._next += self.interval
            self._left -= 1
        return max(0.0, slot - self._clock())

    async def hold(self, seconds: float) -> None:
        """No slot for any instance for `seconds` from now (a 429's retry_after)."""
        async with self._lock:
            self._left = 0
            self._alone.hold(seconds)
            self.held_until = max(self.held_until, self._clock() + seconds)
            try:
                await self.store.hold(self.name, seconds)
            except Unreachable:
                log.warning("send budget %s: store unreachable, pausing alone", self.name)

    async def _refill(self) -> None:
        asked = self._clock()
        first, held, store_now = await self.store.take(self.name, self.block, self.interval)
        answered = self._clock()
        # Every instance must place the slots on one timeline. A slow exchange (a lock wait, a
        # busy event loop) says little about when the store read its clock, so the offset
        # comes from the quickest one: off by at most half its round trip.
        self._best += AGEING
        if answered - asked < self._best:
            self._best = answered - asked
            self._offset = (asked + answered) / 2 - store_now
        self._next = first + self._offset
        self._left = self.block
        self.held_until = max(self.held_until, held + self._offset)
