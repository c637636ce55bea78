"""Updates answered per second: our bot on SQLite and on PostgreSQL vs a bare python-telegram-bot
echo bot, against one stand-in Bot API running in its own process.

    .venv/bin/python -m bench.telegram_throughput [--updates 1000] [--chats 100] [--rounds 3]

Each measurement runs in a fresh process (a fresh database for ours), in rounds that alternate the
order of the bots, so a busy moment on the shared machine is spread over all of them. Printed:
min / median / max updates a second, the ratio of the medians, and each bot's own CPU time per
update. Ours runs with its rate limiter on, at a limit far above the bench's rate, so its cost is
counted without it setting the pace. PostgreSQL is skipped when BENCH_DATABASE_URL's server
(default postgresql://postgres@127.0.0.1:5432/postgres) does not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.figures import Series, scratch_database, server_url
from tests.bot.telegram.standin import TOKEN
from tests.bot.telegram.standin_process import Control, Remote

CONCURRENCY = 32
WARM_UP = 100
PATIENCE = 300
UNLIMITED = 1_000.0
"""Messages a second: the limiter runs, but never makes anyone wait in this bench."""
BOTS = ("echo", "sqlite", "postgresql")


@dataclass(frozen=True)
class Run:
    per_second: float
    cpu_ms: float
    """The bot process's CPU time per update, in milliseconds."""


async def measure(control: Control, first_chat: int, updates: int, chats: int) -> Run:
    """Warm up, then push `updates` messages from `chats` people at once and wait for every
    answer."""
    done = await control.wait("sendMessage", 0, PATIENCE)
    await control.push(first_chat, chats, WARM_UP, "/menu")
    done = await control.wait("sendMessage", done + WARM_UP, PATIENCE)
    started, cpu = time.perf_counter(), time.process_time()
    await control.push(first_chat, chats, updates, "/menu")
    await control.wait("sendMessage", done + updates, PATIENCE)
    elapsed, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    return Run(updates / elapsed, cpu_s * 1000 / updates)


async def echo_bot(control: Control, first_chat: int, updates: int, chats: int) -> Run:
    """The reference: python-telegram-bot replying with the same text, nothing else."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(control.base_url)
        .concurrent_updates(CONCURRENCY)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        try:
            return await measure(control, first_chat, updates, chats)
        finally:
            await application.updater.stop()
            await application.stop()


async def our_bot(
    control: Control, first_chat: int, updates: int, chats: int, database_url: str
) -> Run:
    """Hagshama: every update through the engine, its state read and written in the database."""
    from bot.answering import Answering, AnsweringPolicy
    from bot.app import open_app
    from bot.intake import Intake
    from bot.metrics import Metrics
    from bot.settings import Settings
    from bot.telegram.runner import TelegramRunner, Tuning
    from models.people import Channel

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=control.base_url,
    )
    async with open_app(settings) as app:
        # The path `hagshama run` takes: polling stores each update in the inbox, the answering
        # worker claims and answers it.
        tuning = Tuning(overall_rate=UNLIMITED, poll_timeout=1)
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
            return await measure(control, first_chat, updates, chats)
        finally:
            await runner.stop_polling()
            await answering.stop()
            await runner.stop()


async def one(bot: str, base_url: str, database_url: str, updates: int, chats: int) -> Run:
    """One measurement, in this (fresh) process."""
    control = Control(base_url)
    first_chat = 1_000_000 * (1 + BOTS.index(bot)) + int(time.time() * 10) % 100_000 * 100
    try:
        if bot == "echo":
            return await echo_bot(control, first_chat, updates, chats)
        return await our_bot(control, first_chat, updates, chats, database_url)
    finally:
        await control.aclose()


def child(bot: str, base_url: str, database_url: str, updates: int, chats: int) -> Run:
    command = [sys.executable, "-m", "bench.telegram_throughput", "--one", bot, base_url]
    command += [database_url, "--updates", str(updates), "--chats", str(chats)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return Run(**json.loads(output.strip().splitlines()[-1]))


async def main(updates: int, chats: int, rounds: int) -> None:
    pg = await server_url()
    bots = [bot for bot in BOTS if bot != "postgresql" or pg]
    rates: dict[str, Series] = {bot: Series() for bot in bots}
    cpus: dict[str, Series] = {bot: Series() for bot in bots}
    remote = Remote()
    async with remote:
        for round_ in range(rounds):
            # Alternate who goes first, so no bot always meets the same moment of the machine.
            order = bots[round_ % len(bots) :] + bots[: round_ % len(bots)]
            for bot in order:
                with tempfile.TemporaryDirectory() as tmp:
                    where = f"sqlite:///{Path(tmp)}/bench.db" if bot != "postgresql" else pg
                    async with scratch_database(where or "") as url:
                        run = await asyncio.to_thread(
                            child, bot, remote.base_url, url, updates, chats
                        )
                rates[bot].add(run.per_second)
                cpus[bot].add(run.cpu_ms)
    print(f"telegram throughput: {updates} updates from {chats} chats, {rounds} rounds")
    names = {
        "echo": "bare PTB echo bot",
        "sqlite": "hagshama, SQLite",
        "postgresql": "hagshama, PG",
    }
    for bot in bots:
        print(
            f"  {names[bot]:18} {rates[bot].spread('updates/s', '.0f')}"
            f"  CPU {cpus[bot].median:.2f} ms/update"
        )
    goals = {"sqlite": 0.8, "postgresql": 0.7}
    for bot in bots[1:]:
        ratio = rates[bot].median / rates["echo"].median
        verdict = "met" if ratio >= goals[bot] else "MISSED"
        print(f"  ratio {bot} ÷ echo (medians): {ratio:.2f}  (goal ≥ {goals[bot]}: {verdict})")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--updates", type=int, default=1000)
    arguments.add_argument("--chats", type=int, default=100)
    arguments.add_argument("--rounds", type=int, default=3)
    arguments.add_argument(
        "--one", nargs=3, metavar=("BOT", "STANDIN", "DB"), help=argparse.SUPPRESS
    )
    options = arguments.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if options.one:
        bot, base_url, database_url = options.one
        run = asyncio.run(one(bot, base_url, database_url, options.updates, options.chats))
        print(json.dumps(asdict(run)))
    else:
        asyncio.run(main(options.updates, options.chats, options.rounds))
