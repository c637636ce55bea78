"""What runs beside the channels in `hagshama run`: the outbox dispatcher and the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence

from bot.app import App
from bot.telegram.sender import TelegramSender, outbox_bot
from models.people import Channel
from scheduler.dispatcher import Dispatcher, Stored
from scheduler.ratelimit import RateLimiter, whatsapp_limiter
from scheduler.runner import Runner
from scheduler.sender import Sender
from scheduler.shared_budget import SharedSlots

log = logging.getLogger(__name__)

RESTART_PAUSE = 5.0


class Background:
    def __init__(
        self,
        app: App,
        channel_senders: Sequence[Sender] = (),
        telegram_limiter: RateLimiter | None = None,
        stored: Mapping[Channel, Stored] | None = None,
    ) -> None:
        """`channel_senders` come from channels that build their own (WhatsApp's needs the
        HTTP client it shares with its webhook); `telegram_limiter` is the one the Telegram
        channel paces its replies with, so both draw on one budget; `stored` are the channels'
        own steps after the dispatcher stores their message ids."""
        senders: list[Sender] = list(channel_senders)
        limiters: dict[Channel, RateLimiter] = {}
        if any(sender.channel == Channel.WHATSAPP for sender in senders):
            rate = app.settings.whatsapp_messages_per_second
            shared = SharedSlots(app.budgets, "whatsapp", rate) if app.budgets else None
            limiters[Channel.WHATSAPP] = whatsapp_limiter(rate, shared=shared)
        token = app.settings.telegram_bot_token
        if token is not None:
            bot = outbox_bot(token.get_secret_value(), app.settings.telegram_api_base_url)
            senders.append(TelegramSender(bot, app.settings.default_locale))
            if telegram_limiter is not None:
                limiters[Channel.TELEGRAM] = telegram_limiter
        self.dispatcher = Dispatcher(app.sessions, senders, limiters=limiters, stored=stored)
        self.runner = Runner(app.db, app.engine.config)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start planning (if this process leads) and draining the outbox."""
        await self.runner.start()
        self._task = asyncio.create_task(self._deliver())

    async def _deliver(self) -> None:
        """Keep the dispatcher going through database hiccups; what a failed run had claimed
        is taken back when its lease runs out."""
        while not self._stop.is_set():
            try:
                await self.dispatcher.run(self._stop)
            except Exception:
                log.exception("outbox dispatcher failed; restarting in %.0f s", RESTART_PAUSE)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), RESTART_PAUSE)

    async def stop(self) -> None:
        """Finish the messages in flight, then hand scheduling over to another process."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.runner.stop()
