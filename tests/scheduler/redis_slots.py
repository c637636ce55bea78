"""One instance drawing on a Redis send budget, in a process of its own (for
tests/scheduler/test_redis_budget.py): takes COUNT slots of NAME at RATE, or first meets a 429
(--hold), and prints when each slot falls due, on the wall clock every process shares.

    python -m tests.scheduler.redis_slots URL NAME RATE COUNT [--hold SECONDS]

It prints `ready` once started and takes slots when a line comes on its input, so that the test
can let several processes draw at once however long each took to start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from scheduler.redis_budget import RedisBudgets
from scheduler.shared_budget import SharedSlots


async def main(url: str, name: str, rate: float, count: int, hold: float) -> None:
    store = RedisBudgets(url)
    try:
        slots = SharedSlots(store, name, rate)
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        if hold:
            await slots.hold(hold)
        due = []
        for _ in range(count):
            wait = await slots.reserve()
            due.append(time.time() + wait)
    finally:
        await store.close()
    print(json.dumps(due), flush=True)


if __name__ == "__main__":
    arguments = argparse.ArgumentParser()
    arguments.add_argument("url")
    arguments.add_argument("name")
    arguments.add_argument("rate", type=float)
    arguments.add_argument("count", type=int)
    arguments.add_argument("--hold", type=float, default=0.0)
    o = arguments.parse_args()
    asyncio.run(main(o.url, o.name, o.rate, o.count, o.hold))
