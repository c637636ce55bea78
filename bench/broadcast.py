"""Broadcast figures: the outbox dispatcher against the stand-in Bot API (in its own process).

    .venv/bin/python -m bench.broadcast [--recipients 10000] [--rate 150]

A broadcast to `--recipients` people at a configured limit of `--rate` messages a second: the
sustained rate as a fraction of that limit (goal ≥ 0.95), and the latency of interactive replies
queued every 50 ms while it runs, p99 (goal < 1 s). Planning a real broadcast at scale is
measured by bench/scale.py.

The default limit, 150/s (five times Telegram's 30/s), sits below what one process can push
through python-telegram-bot's httpx client to a local server on a small machine (about
200–250/s on two cores shared with the stand-in); above that the client, not the dispatcher,
sets the pace and the ratio says so.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from models.base import utcnow
from models.db import create_engine, sessionmaker, upgrade
from models.outbox import OutboxMessage, OutboxStatus, Priority
from scheduler.dispatcher import DispatchPolicy
from tests.scheduler.delivery import (
    FIRST_CHAT,
    broadcast,
    dispatcher,
    reply_to,
    seed_recipients,
)

REPLY_EVERY = 0.05
STANDIN = """
import asyncio
from tests.bot.telegram.standin import StandIn

async def serve():
    standin = StandIn()
    print(await standin.start(), flush=True)
    await asyncio.Event().wait()

asyncio.run(serve())
"""


async def sustained(database: str, base_url: str, recipients: int, rate: float) -> None:
    """Part 1: the broadcast with interactive replies arriving throughout."""
    engine = create_engine(database)
    await upgrade(engine)
    sessions = sessionmaker(engine)
    async with sessions() as session, session.begin():
        await seed_recipients(session, recipients, utcnow())
        await broadcast(session, "עלון המעגל השיתופי יצא! להסרה השיבו הסר", utcnow())
    # A tenth of a second's worth per batch, two batches in flight: a reply waits behind at
    # most ~0.2 s of bulk already claimed.
    batch = max(10, round(rate / 10))
    policy = DispatchPolicy(batch_size=batch, window=2 * batch, poll=0.05)
    send = dispatcher(sessions, base_url, policy, rate)
    sending = asyncio.create_task(send.run(until_idle=True))
    replies = 0
    while not sending.done():
        async with sessions() as session, session.begin():
            chat = FIRST_CHAT + random.randint(1, recipients)
            await reply_to(session, chat, "נרשמת! נתראה ביום העיון", utcnow())
        replies += 1
        await asyncio.sleep(REPLY_EVERY)
    await sending
    await send.run(until_idle=True)  # a reply queued just as the broadcast ended
    async with sessions() as session:
        sent = (
            await session.execute(
                select(
                    OutboxMessage.priority, OutboxMessage.created_at, OutboxMessage.sent_at
                ).where(OutboxMessage.status == OutboxStatus.SENT)
            )
        ).all()
        left = await session.scalar(
            select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        )
    await engine.dispose()
    bulk = sorted(row.sent_at for row in sent if row.priority == Priority.BULK and row.sent_at)
    start, end = bulk[0], bulk[-1]
    span = (end - start).total_seconds()
    # Replies share the limit, so every message sent while the broadcast ran counts.
    achieved = (sum(start <= row.sent_at <= end for row in sent if row.sent_at) - 1) / span
    latencies = sorted(
        (row.sent_at - row.created_at).total_seconds()
        for row in sent
        if row.priority == Priority.INTERACTIVE and row.sent_at
    )
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
    print(f"broadcast: {recipients} recipients + {replies} replies in {span:.1f} s, {left} unsent")
    print(
        f"  sustained rate {achieved:.0f}/s of a {rate:.0f}/s limit = {achieved / rate:.3f}"
        f"  (goal ≥ 0.95: {'met' if achieved / rate >= 0.95 else 'MISSED'})"
    )
    print(
        f"  reply latency p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        f"  (goal p99 < 1 s: {'met' if p99 < 1 else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp)}/broadcast.db"
        standin = subprocess.Popen(
            [sys.executable, "-c", STANDIN], stdout=subprocess.PIPE, text=True
        )
        try:
            assert standin.stdout is not None
            base_url = standin.stdout.readline().strip()
            asyncio.run(sustained(url, base_url, args.recipients, args.rate))
        finally:
            standin.kill()
            standin.wait()


if __name__ == "__main__":
    main()
