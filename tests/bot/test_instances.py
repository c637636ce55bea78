"""Two `hagshama run` processes on one PostgreSQL, behind one webhook each, share the outbox and
one Telegram send budget: a broadcast and a stream of people writing in are each answered once,
and the two together stay within the bot's rate even after Telegram has said 429 once."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.telegram.webhook import SECRET_HEADER
from models.base import utcnow
from models.db import create_engine, sessionmaker, upgrade
from tests.bot.telegram.standin import TOKEN
from tests.bot.telegram.standin_process import Remote
from tests.bot.telegram.test_run import free_port
from tests.scheduler.delivery import FIRST_CHAT, broadcast, seed_recipients

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crowds")]
"""Two instances' pools, and the CPU to keep their leases: never beside a crowd."""

LIMIT = 40
"""Messages a second for the bot: a little above Telegram's 30, to keep the test short, yet
below what two instances push on a small shared machine, so that the budget is what binds."""
SLACK = 1.05
COPIES = 1_000
UPDATES = 250
"""Enough for half a minute at the limit: long enough to measure the shared rate by."""
WRITERS = 5_000_000
"""Chat ids of the people who write in start here, far from the broadcast's recipients."""
SECRET = "two-instances-secret"
NEWS = "עלון המעגל השיתופי יצא!"


async def start(database_url: str, base_url: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_MESSAGES_PER_SECOND": str(LIMIT),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "HTTP_PORT": str(port),
        "PYTHONIOENCODING": "utf-8",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, stdout=asyncio.subprocess.PIPE
    )


def update(n: int) -> dict[str, object]:
    chat = WRITERS + n
    person = {"id": chat, "is_bot": False, "first_name": "Noa", "language_code": "he"}
    message = {
        "message_id": n + 1,
        "date": 1_700_000_000,
        "chat": {"id": chat, "type": "private", "first_name": "Noa"},
        "from": person,
        "text": "/menu",
    }
    return {"update_id": 10_000 + n, "message": message}


async def test_two_instances_answer_once_send_once_and_share_one_rate(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("several instances share a PostgreSQL database")
    engine = create_engine(database_url)
    await upgrade(engine)
    async with sessionmaker(engine)() as session, session.begin():
        await seed_recipients(session, COPIES, utcnow())
        assert await broadcast(session, NEWS, utcnow()) == COPIES
    await engine.dispose()

    remote = Remote(limit=LIMIT * SLACK)
    async with remote as control:
        await control.fail("sendMessage", 429, retry_after=1)  # Telegram's flood control, once
        ports = [free_port(), free_port()]
        instances = [await start(database_url, remote.base_url, port) for port in ports]
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                for port in ports:
                    await _ready(client, port)
                headers = {SECRET_HEADER: SECRET}
                gate = asyncio.Semaphore(20)

                async def deliver(n: int) -> None:
                    url = f"http://127.0.0.1:{ports[n % 2]}/telegram/webhook"
                    async with gate:
                        response = await client.post(url, json=update(n), headers=headers)
                    assert response.status_code == 200

                await asyncio.gather(*(deliver(n) for n in range(UPDATES)))
            await control.wait("sendMessage", COPIES + UPDATES + 1, patience=240)
            await asyncio.sleep(2)  # anything sent twice would arrive now
        finally:
            for instance in instances:
                instance.terminate()
            for instance in instances:
                await instance.wait()
        sends, refused = await control.sends()

    messages = [send for send in sends if send.method == "sendMessage"]
    per_chat = Counter(send.chat_id for send in messages)
    news = Counter(send.chat_id for send in messages if send.text == NEWS)
    assert news == {FIRST_CHAT + n: 1 for n in range(1, COPIES + 1)}  # every copy, once
    assert {WRITERS + n: 1 for n in range(UPDATES)} == {
        chat: count for chat, count in per_chat.items() if chat is not None and chat >= WRITERS
    }  # every update answered, once
    span = messages[-1].at - messages[0].at
    rate = (len(messages) - 1) / span
    assert refused == 0, f"{refused} refused; {rate:.1f}/s overall"  # none after the injected
    # one (tests/bot/telegram/standin_process.py says how the stand-in counts)
    assert rate <= LIMIT * SLACK


async def _ready(client: httpx.AsyncClient, port: int) -> None:
    """Wait for the instance's HTTP server (it listens once the schema is up to date)."""
    for _ in range(300):
        try:
            if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"instance on port {port} did not start")
