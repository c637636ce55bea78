"""Long polling that loses nothing: an offset is confirmed to Telegram (by asking for the
next one) only after the updates before it are stored in the inbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import TelegramError, TimedOut

from bot.cleaning import cleaned
from bot.intake import Intake, Unavailable
from bot.telegram.updates import arrival_of

log = logging.getLogger(__name__)

PAUSE = 1.0
"""Seconds before asking again after Telegram or the database failed."""


class Polling:
    def __init__(
        self,
        bot: Bot,
        intake: Intake,
        bot_id: str,
        timeout: int,
        allowed_updates: Sequence[str],
    ) -> None:
        self.bot = bot
        self.intake = intake
        self.bot_id = bot_id
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        """Stop asking; what was fetched and not yet stored comes again on the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self) -> None:
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except TimedOut:
                continue
            except TelegramError as exc:
                log.warning("telegram: getUpdates failed: %s", exc)
                await asyncio.sleep(PAUSE)
                continue
            if not updates:
                continue
            arrivals = [arrival_of(cleaned(update.to_dict()), self.bot_id) for update in updates]
            for update, taken in zip(updates, arrivals, strict=True):
                if taken is None:
                    log.warning("telegram: update %d is malformed: skipped", update.update_id)
            try:
                await self.intake.take_all([a for a in arrivals if a is not None])
            except Unavailable:
                await asyncio.sleep(PAUSE)  # same offset: Telegram hands them over again
                continue
            offset = updates[-1].update_id + 1
