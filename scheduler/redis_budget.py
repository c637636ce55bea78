"""The send budgets in Redis (REDIS_URL): the same two numbers per budget as in PostgreSQL
(models/send_budget.py), `due` and `held`, in one hash, moved by Lua scripts that Redis runs
atomically on its own clock, so instances never hand out the same slot."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from scheduler.shared_budget import Unreachable

KEY = "hagshama:send_budget:"
TIMEOUT = 2.0
"""Seconds to wait for Redis before pacing alone (SharedSlots)."""

# Numbers go back as strings: Redis turns a Lua number into an integer.
_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
"""
_TAKE = (
    _NOW
    + """
local due = tonumber(redis.call('HGET', KEYS[1], 'due') or '0')
local held = tonumber(redis.call('HGET', KEYS[1], 'held') or '0')
local first = math.max(due, now)
redis.call('HSET', KEYS[1], 'due', string.format('%.6f', first + tonumber(ARGV[1])))
return {string.format('%.6f', first), string.format('%.6f', held), string.format('%.6f', now)}
"""
)
_HOLD = (
    _NOW
    + """
local till = now + tonumber(ARGV[1])
local due = tonumber(redis.call('HGET', KEYS[1], 'due') or '0')
local held = tonumber(redis.call('HGET', KEYS[1], 'held') or '0')
redis.call('HSET', KEYS[1], 'due', string.format('%.6f', math.max(due, till)),
    'held', string.format('%.6f', math.max(held, till)))
return 1
"""
)


class RedisBudgets:
    """Create inside the running event loop; close when done."""

    def __init__(self, url: str) -> None:
        self.client: Redis = Redis.from_url(
            url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        self._take = self.client.register_script(_TAKE)
        self._hold = self.client.register_script(_HOLD)

    async def take(self, name: str, count: int, interval: float) -> tuple[float, float, float]:
        first, held, now = await self._run(self._take, name, count * interval)
        return float(first), float(held), float(now)

    async def hold(self, name: str, seconds: float) -> None:
        await self._run(self._hold, name, seconds)

    async def close(self) -> None:
        await self.client.aclose()

    async def _run(self, script: Any, name: str, value: float) -> Any:
        try:
            return await script(keys=[KEY + name], args=[repr(value)])
        except (RedisError, OSError) as exc:
            # The class only: the error's text may name the server's address and password.
            raise Unreachable(type(exc).__name__) from exc
