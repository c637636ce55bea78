"""python-telegram-bot's requests paced by the outbox's limiter: one budget for the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.sender import retry_seconds
from scheduler.ratelimit import RateLimiter

Result = bool | dict[str, Any] | list[dict[str, Any]]


class SharedPacing(BaseRateLimiter[None]):
    """Replies draw on the same bot-wide bucket as proactive messages, so together they stay
    within Telegram's 30 a second; a 429 pauses all of the bot's sending (flood control is per
    bot) for its retry_after, and the request is tried again."""

    def __init__(self, limiter: RateLimiter | None, retries: int) -> None:
        self.limiter = limiter
        self.retries = retries

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        # Only messages to a chat count against the budget; getUpdates, getMe and answering a
        # button press do not.
        paced = self.limiter if "chat_id" in data else None
        for attempt in range(self.retries + 1):
            if paced is not None:
                await paced.acquire_overall()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.retries:
                    raise
                if self.limiter is not None:
                    await self.limiter.pause(retry_seconds(error))
                else:
                    await asyncio.sleep(retry_seconds(error))
        raise AssertionError("unreachable")
