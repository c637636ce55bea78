"""A platform's send budget shared by every instance on one PostgreSQL (models/send_budget.py).

Each instance takes slots a tenth of a second's worth at a time, so the database sees ten small
statements a second per busy instance, not one per message; slots are spaced at the rate across
all instances together. Slots an instance took and did not use in time are dropped, never used
late, so the combined rate stays at or under the limit. If the database cannot be reached the
instance falls back to pacing itself alone at the full rate, and says so in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from models.send_budget import hold, take
from scheduler.ratelimit import Monotonic, TokenBucket

log = logging.getLogger(__name__)

BLOCK = 0.1
"""Seconds' worth of slots taken at once."""


class SharedSlots:
    """Slots of the named budget, drawn from PostgreSQL in blocks."""

    def __init__(
        self, engine: AsyncEngine, name: str, rate: float, clock: Monotonic = time.monotonic
    ) -> None:
        self.engine = engine
        self.name = name
        self.interval = 1.0 / rate
        self.block = max(1, round(rate * BLOCK))
        self._clock = clock
        self._next = 0.0
        """The next slot in hand, on this process's monotonic clock."""
        self._left = 0
        self._lock = asyncio.Lock()
        self._alone = TokenBucket(rate, self.block, clock)

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
                except (OSError, SQLAlchemyError):
                    log.warning("send budget %s: database unreachable, pacing alone", self.name)
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
            try:
                async with self.engine.begin() as conn:
                    await hold(conn, self.name, seconds)
            except (OSError, SQLAlchemyError):
                log.warning("send budget %s: database unreachable, pausing alone", self.name)

    async def _refill(self) -> None:
        async with self.engine.begin() as conn:
            asked = self._clock()
            first, database_now = await take(conn, self.name, self.block, self.interval)
            answered = self._clock()
        # The database read its clock about halfway through the round trip: mapping it there
        # keeps every instance's slots aligned to one timeline within half a round trip.
        self._next = (asked + answered) / 2 + (first - database_now)
        self._left = self.block
