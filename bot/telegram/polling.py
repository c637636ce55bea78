"""Long polling that loses nothing: an offset is confirmed to Telegram (by asking for the
next one) only after the updates before it are stored in the inbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Bot
from telegram.error import TelegramError, TimedOut
from telegram.warnings import PTBUserWarning

from bot.cleaning import cleaned
from bot.intake import Intake, Unavailable
from bot.telegram.updates import arrival_of

log = logging.getLogger(__name__)

PAUSE = 1.0
"""Seconds before asking again after Telegram or the database failed."""
READ_SLACK = 5.0
"""Seconds a long poll may take beyond its own timeout before it counts as timed out."""

# We ask for getUpdates by name on purpose (raw JSON, see Polling._fetch): not a mistake to warn of.
warnings.filterwarnings("ignore", message="Please use 'Bot.get_updates'", category=PTBUserWarning)


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
                updates = await self._fetch(offset)
            except TimedOut:
                continue
            except TelegramError as exc:
                log.warning("telegram: getUpdates failed: %s", exc)
                await asyncio.sleep(PAUSE)
                continue
            if not updates:
                continue
            arrivals = [arrival_of(cleaned(update), self.bot_id) for update in updates]
            for n, taken in enumerate(arrivals):
                if taken is None:
                    log.warning("telegram: update %d of a batch is malformed: skipped", n)
            try:
                await self.intake.take_all([a for a in arrivals if a is not None])
            except Unavailable:
                await asyncio.sleep(PAUSE)  # same offset: Telegram hands them over again
                continue
            # Past every update fetched, the malformed ones too: they are not asked for again.
            ids = [u.get("update_id") for u in updates if isinstance(u, dict)]
            offset = max([i for i in ids if type(i) is int], default=(offset or 1) - 1) + 1

    async def _fetch(self, offset: int | None) -> list[Any]:
        """The updates as Telegram sent them: stored as they are, as a webhook's are, without
        python-telegram-bot's parsing into objects and back (a quarter of the CPU per update);
        the answering worker parses each once."""
        asked: dict[str, Any] = {"timeout": self.timeout, "allowed_updates": self.allowed_updates}
        if offset is not None:
            asked["offset"] = offset
        result = await self.bot.do_api_request(
            "get_updates", api_kwargs=asked, read_timeout=self.timeout + READ_SLACK
        )
        return result if isinstance(result, list) else []
