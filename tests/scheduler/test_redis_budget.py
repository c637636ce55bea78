"""With REDIS_URL, instances share the send budget through Redis as they do through PostgreSQL:
two processes together get the rate of one, and a 429 one of them meets holds back the other."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
import uuid

import pytest
from sqlalchemy.engine import make_url

from scheduler.redis_budget import RedisBudgets
from scheduler.shared_budget import SharedSlots, Unreachable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RATE = 50.0


@pytest.fixture
def redis_url() -> str:
    url = make_url(REDIS_URL)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 6379), 2).close()
    except OSError:
        pytest.skip(f"no Redis at {REDIS_URL} (TEST_REDIS_URL)")
    return REDIS_URL


def budget_name() -> str:
    """A budget of this test's own: tests running at once share the Redis server."""
    return f"test-{uuid.uuid4().hex[:12]}"


async def instance(
    url: str, name: str, count: int, hold: float = 0.0, together: asyncio.Barrier | None = None
) -> list[float]:
    """When each slot an instance in its own process took falls due (wall clock); it starts
    taking them once started, or once every instance `together` has started."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.scheduler.redis_slots",
        url,
        name,
        str(RATE),
        str(count),
        "--hold",
        str(hold),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await process.stdout.readline() == b"ready\n"
    if together is not None:
        await together.wait()
    out, _ = await process.communicate(b"go\n")
    assert process.returncode == 0
    due: list[float] = json.loads(out)
    return due


async def test_two_processes_together_get_the_rate_of_one(redis_url: str) -> None:
    name, together = budget_name(), asyncio.Barrier(2)
    first, second = await asyncio.gather(
        instance(redis_url, name, 100, together=together),
        instance(redis_url, name, 100, together=together),
    )
    together = sorted(first + second)
    # 200 messages at 50 a second take four seconds, however the two processes split them.
    assert together[-1] - together[0] >= 199 / RATE * 0.95
    # drawn at once: neither process was simply made to wait for the other to finish
    assert min(second) < max(first) and min(first) < max(second)


async def test_a_429_met_by_one_process_holds_back_the_other(redis_url: str) -> None:
    name = budget_name()
    throttled = await instance(redis_url, name, 1, hold=2.0)
    started = time.time()
    [bystander] = await instance(redis_url, name, 1)
    assert throttled[0] - started > 1.0  # the one that met the 429 waits it out
    assert bystander - started > 1.0  # and so does the other, who never met it


async def test_an_unreachable_redis_is_reported_as_such() -> None:
    store = RedisBudgets("redis://127.0.0.1:1/0")
    try:
        with pytest.raises(Unreachable):
            await store.take("telegram", 3, 0.1)
        slots = SharedSlots(store, "telegram", RATE)
        assert await slots.reserve() == 0  # paces itself alone meanwhile
    finally:
        await store.close()
