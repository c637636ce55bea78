"""What was acknowledged is answered: 300 Telegram updates acknowledged then SIGKILL and a
restart, and a 20 s database outage on a PostgreSQL cluster of the script's own.

    .venv/bin/python -m bench.intake_faults [--updates 300] [--outage 20]

Every process is a child of this one: `hagshama run` (webhook mode, both channels) and the
stand-in Bot API and Twilio run in this process's event loop. Prints what each scenario
showed; exits 1 if anything acknowledged went unanswered.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.bot.running import Run
from tests.bot.telegram.standin import StandIn
from tests.bot.whatsapp.standin import StandIn as Twilio
from tests.pg_cluster import Cluster

FIRST_CHAT = 90_000
WELCOME = "ברוכים הבאים"
PATIENCE = 300


def answers(standin: StandIn, chats: range) -> Counter[int]:
    return Counter(c.chat_id for c in standin.of("sendMessage") if c.chat_id in chats)


async def post(run: Run, standin: StandIn, chats: range, until_taken: bool = False) -> list[int]:
    """Each chat says /start (32 at a time); with `until_taken`, as Telegram re-sends."""
    gate = asyncio.Semaphore(32)

    async def one(chat: int) -> int:
        update = standin.message(chat, "/start")
        async with gate:
            while True:
                status = (await run.telegram(update)).status_code
                if status == 200 or not until_taken:
                    return status
                await asyncio.sleep(0.5)

    return list(await asyncio.gather(*(one(chat) for chat in chats)))


async def killed(standin: StandIn, updates: int, tmp: Path) -> bool:
    chats = range(FIRST_CHAT, FIRST_CHAT + updates)
    run = Run(f"sqlite:///{tmp}/kill.db", standin, None, tmp / "kill.log")
    await run.start()
    started = time.perf_counter()
    statuses = await post(run, standin, chats)
    acked = time.perf_counter() - started
    await run.kill()
    before = len(answers(standin, chats))
    await run.start()
    await standin.wait_for(lambda: len(answers(standin, chats)) == updates, PATIENCE)
    await run.stop()
    times = answers(standin, chats)
    twice = sum(1 for n in times.values() if n > 1)
    print(f"SIGKILL: {statuses.count(200)} of {updates} acknowledged in {acked:.2f} s; ", end="")
    print(f"{before} answered before the kill, all {len(times)} after the restart; ", end="")
    print(f"{twice} chats answered twice, none more: {max(times.values()) <= 2}")
    return len(times) == updates and max(times.values()) <= 2


async def outage(standin: StandIn, twilio: Twilio, seconds: float, tmp: Path) -> bool:
    cluster = Cluster()
    cluster.create()
    cluster.start()
    run = Run(cluster.url, standin, twilio, tmp / "outage.log")
    try:
        await run.start()
        before = range(FIRST_CHAT + 1000, FIRST_CHAT + 1036)
        during = range(FIRST_CHAT + 2000, FIRST_CHAT + 2036)
        await post(run, standin, before)
        cluster.stop()
        refused = await post(run, standin, during)
        health = (await run.client.get("/healthz")).status_code
        await asyncio.sleep(seconds)
        cluster.start()
        await post(run, standin, during, until_taken=True)
        everyone = set(before) | set(during)
        seen = range(FIRST_CHAT, FIRST_CHAT + 3000)
        await standin.wait_for(lambda: set(answers(standin, seen)) >= everyone, PATIENCE)
        up = run.running
        await run.stop()
    finally:
        cluster.remove()
    texts = [c.params["text"] for c in standin.of("sendMessage") if c.chat_id in everyone]
    real = all(WELCOME in text for text in texts)
    while_down = dict(Counter(refused))
    print(f"outage of {seconds:.0f} s: 36 acknowledged before; while down {while_down} ", end="")
    print(f"and /healthz {health}; after: all {len(everyone)} answered, ", end="")
    print(f"every answer the real one: {real}; process up throughout: {up}")
    return real and up


async def main(updates: int, seconds: float) -> int:
    standin, twilio = StandIn(), Twilio()
    await standin.start()
    await twilio.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ok = await killed(standin, updates, Path(tmp))
            ok = await outage(standin, twilio, seconds, Path(tmp)) and ok
    finally:
        await standin.stop()
        await twilio.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--updates", type=int, default=300)
    arguments.add_argument("--outage", type=float, default=20)
    options = arguments.parse_args()
    sys.exit(asyncio.run(main(options.updates, options.outage)))
