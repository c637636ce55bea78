"""`hagshama run` for real, in a child process: refuses without a token, serves with one."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from handlers.core.types import Reply, reply_to_payload
from models.db import create_engine, sessionmaker
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import ChannelIdentity
from tests.bot.telegram.standin import TOKEN, StandIn
from tests.support import hagshama

pytestmark = pytest.mark.slow

CHAT = 9001
REMINDED = 9002


def test_without_a_bot_token_run_stops_with_the_keys_to_set(tmp_path: Path) -> None:
    env_token = os.environ.pop("TELEGRAM_BOT_TOKEN", None)
    try:
        result = hagshama("run", database_url=f"sqlite:///{tmp_path}/run.db")
    finally:
        if env_token is not None:
            os.environ["TELEGRAM_BOT_TOKEN"] = env_token
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "set TELEGRAM_BOT_TOKEN" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_run(standin: StandIn, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    """`hagshama run` in a child process, polling the stand-in Bot API."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "HTTP_PORT": str(port),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("PUBLIC_BASE_URL", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, stdout=asyncio.subprocess.PIPE
    )


async def test_run_answers_by_polling_serves_health_and_stops_on_sigterm(
    standin: StandIn, tmp_path: Path
) -> None:
    port = free_port()
    process = await start_run(standin, tmp_path, port)
    try:
        await standin.wait_for(lambda: standin.of("getUpdates"))
        await standin.push(standin.message(CHAT, "/start"))
        [welcome] = await standin.wait_for(lambda: standin.sent(CHAT))
        assert "ברוכים הבאים" in welcome.params["text"]
        async with httpx.AsyncClient() as http:
            health = await http.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_run_delivers_what_the_outbox_holds(standin: StandIn, tmp_path: Path) -> None:
    process = await start_run(standin, tmp_path, free_port())
    try:
        await standin.wait_for(lambda: standin.of("getUpdates"))
        await standin.push(standin.message(REMINDED, "/start"))
        await standin.wait_for(lambda: standin.sent(REMINDED))
        db = create_engine(f"sqlite:///{tmp_path}/run.db")
        async with sessionmaker(db)() as session, session.begin():
            identity = await session.scalar(select(ChannelIdentity))
            assert identity is not None
            # Not of the reminders' kind: their planner would skip a row it did not plan.
            reply = Reply("תזכורת: יום העיון מחר ב־09:30")
            await enqueue(
                session,
                to_one(identity.id, "notice:test"),
                OutboxKind.EVENT_CHANGED,
                reply_to_payload(reply),
                priority=Priority.REMINDER,
            )
        await db.dispose()
        await standin.wait_for(lambda: len(standin.sent(REMINDED)) == 2)
        assert "תזכורת" in standin.sent(REMINDED)[-1].params["text"]
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
