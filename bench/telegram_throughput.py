"""Updates answered per second: our bot (engine on SQLite) vs a bare python-telegram-bot echo
bot, both against the same local stand-in Bot API in the same run.

    .venv/bin/python -m bench.telegram_throughput [--updates 2000] [--chats 100]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import open_app
from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram.runner import TelegramRunner, Tuning
from tests.bot.telegram.standin import TOKEN, StandIn

CONCURRENCY = 32
WARM_UP = 50
PATIENCE = 300


async def measure(standin: StandIn, first_chat: int, updates: int, chats: int, text: str) -> float:
    """Push `updates` messages from `chats` people at once; updates answered per second."""
    target = standin.counts["sendMessage"]
    started = time.perf_counter()
    for n in range(updates):
        await standin.push(standin.message(first_chat + n % chats, text))
    target += updates
    await standin.wait_for(lambda: standin.counts["sendMessage"] >= target, patience=PATIENCE)
    return updates / (time.perf_counter() - started)


async def echo_bot(standin: StandIn, updates: int, chats: int) -> float:
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


async def our_bot(standin: StandIn, updates: int, chats: int, database: Path) -> float:
    """Hagshama: every update through the engine, state read and written in SQLite."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{database}",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=standin.base_url,
    )
    async with open_app(settings) as app:
        tuning = Tuning(overall_rate=0, concurrency=CONCURRENCY, poll_timeout=1)
        runner = TelegramRunner(app, Metrics(), tuning)
        await runner.start()
        try:
            return await _rounds(standin, 2_000_000, updates, chats)
        finally:
            await runner.stop()


async def _polling(
    application: Application[Any, Any, Any, Any, Any, Any],
    run: Callable[[], Awaitable[float]],
) -> float:
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        try:
            return await run()
        finally:
            await application.updater.stop()
            await application.stop()


async def _rounds(standin: StandIn, first_chat: int, updates: int, chats: int) -> float:
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
    print(f"bare python-telegram-bot echo bot: {echo:8.1f} updates/s")
    print(f"hagshama (engine on SQLite):       {ours:8.1f} updates/s")
    print(f"ratio: {ours / echo:.2f} (goal ≥ 0.5)")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--updates", type=int, default=2000)
    arguments.add_argument("--chats", type=int, default=100)
    options = arguments.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(options.updates, options.chats))
