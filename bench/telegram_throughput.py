"""Updates answered per second: our bot (engine on SQLite) vs a bare python-telegram-bot echo
bot, both against the same local stand-in Bot API in the same run.

    .venv/bin/python -m bench.telegram_throughput [--updates 2000] [--chats 100]

Each bot's process CPU time per update is printed too (the stand-in's share is the same for
both): on a machine shared with other work, the rates swing with its load, the CPU costs much
less.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.answering import Answering, AnsweringPolicy
from bot.app import open_app
from bot.intake import Intake
from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram.runner import TelegramRunner, Tuning
from models.people import Channel
from tests.bot.telegram.standin import TOKEN, StandIn

CONCURRENCY = 32
WARM_UP = 50
PATIENCE = 300


@dataclass(frozen=True)
class Run:
    per_second: float
    cpu_ms: float
    """Process CPU time per update, in milliseconds."""


async def measure(standin: StandIn, first_chat: int, updates: int, chats: int, text: str) -> Run:
    """Push `updates` messages from `chats` people at once, and wait for every answer."""
    target = standin.counts["sendMessage"]
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(updates):
        await standin.push(standin.message(first_chat + n % chats, text))
    target += updates
    await standin.wait_for(lambda: standin.counts["sendMessage"] >= target, patience=PATIENCE)
    cpu_ms = (time.process_time() - cpu) * 1000 / updates
    return Run(updates / (time.perf_counter() - started), cpu_ms)


async def echo_bot(standin: StandIn, updates: int, chats: int) -> Run:
    """The floor: python-telegram-bot replying with the same text, nothing else."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(standin.base_url)
        .concurrent_updates(CONCURRENCY)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return await _polling(application, lambda: _rounds(standin, 1_000_000, updates, chats))


async def our_bot(standin: StandIn, updates: int, chats: int, database: Path) -> Run:
    """Hagshama: every update through the engine, state read and written in SQLite."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{database}",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=standin.base_url,
    )
    async with open_app(settings) as app:
        tuning = Tuning(overall_rate=0, poll_timeout=1)
        intake = Intake(app.sessions)
        runner = TelegramRunner(app, Metrics(), intake, tuning)
        answering = Answering(
            app.sessions,
            {Channel.TELEGRAM: runner.channel},
            intake,
            AnsweringPolicy(concurrency=CONCURRENCY),
        )
        await runner.start()
        answering.start()
        try:
            return await _rounds(standin, 2_000_000, updates, chats)
        finally:
            await runner.stop_polling()
            await answering.stop()
            await runner.stop()


async def _polling(
    application: Application[Any, Any, Any, Any, Any, Any],
    run: Callable[[], Awaitable[Run]],
) -> Run:
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        try:
            return await run()
        finally:
            await application.updater.stop()
            await application.stop()


async def _rounds(standin: StandIn, first_chat: int, updates: int, chats: int) -> Run:
    await measure(standin, first_chat, WARM_UP, chats, "/menu")
    return await measure(standin, first_chat, updates, chats, "/menu")


async def main(updates: int, chats: int) -> None:
    standin = StandIn()
    await standin.start()
    try:
        async with asyncio.timeout(PATIENCE):
            echo = await echo_bot(standin, updates, chats)
            with tempfile.TemporaryDirectory() as tmp:
                ours = await our_bot(standin, updates, chats, Path(tmp) / "bench.db")
    finally:
        await standin.stop()
    print(f"{updates} updates from {chats} chats, stand-in Bot API on 127.0.0.1")
    print(f"bare python-telegram-bot echo bot: {echo.per_second:8.1f} updates/s", end="")
    print(f"  {echo.cpu_ms:5.2f} ms CPU per update")
    print(f"hagshama (engine on SQLite):       {ours.per_second:8.1f} updates/s", end="")
    print(f"  {ours.cpu_ms:5.2f} ms CPU per update")
    print(f"ratio: {ours.per_second / echo.per_second:.2f} (goal ≥ 0.5)", end="")
    print(f"; by CPU per update (echo ÷ ours): {echo.cpu_ms / ours.cpu_ms:.2f}")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--updates", type=int, default=2000)
    arguments.add_argument("--chats", type=int, default=100)
    options = arguments.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(options.updates, options.chats))
