"""Running the Telegram channel: the Application, by long polling or behind our webhook."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.app import App
from bot.metrics import Metrics
from bot.settings import SettingsError
from bot.telegram.channel import TelegramChannel
from bot.telegram.commands import publish_commands
from bot.telegram.ordering import PerChatOrder
from bot.telegram.pacing import SharedPacing
from bot.telegram.webhook import WEBHOOK_PATH, webhook_route
from scheduler.ratelimit import RateLimiter, telegram_limiter
from scheduler.shared_budget import SharedSlots

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


@dataclass(frozen=True)
class Tuning:
    overall_rate: float | None = None
    """Messages per second across all chats; None for TELEGRAM_MESSAGES_PER_SECOND, 0 turns
    the limit off."""
    retries: int = 3
    """How often a request answered 429 is tried again, after the `retry_after` it names."""
    concurrency: int = 32
    """Updates answered at once (different chats; one chat's updates stay in order)."""
    poll_timeout: int = 10
    """Seconds one long-polling getUpdates request waits for news."""


def build_application(
    token: str,
    base_url: str,
    channel: TelegramChannel,
    *,
    polling: bool,
    tuning: Tuning,
    limiter: RateLimiter | None,
) -> TelegramApplication:
    """A python-telegram-bot Application whose every update goes to our engine."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .rate_limiter(SharedPacing(limiter, tuning.retries))
        .concurrent_updates(PerChatOrder(tuning.concurrency))
    )
    if not polling:
        builder = builder.updater(None)
    application: TelegramApplication = builder.build()
    application.add_handler(TypeHandler(Update, channel.on_update))
    application.add_error_handler(channel.on_error)
    return application


class TelegramRunner:
    """The channel's lifecycle: start (commands menu, webhook or polling), routes, stop."""

    def __init__(self, app: App, metrics: Metrics, tuning: Tuning | None = None) -> None:
        settings = app.settings
        if settings.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN: not set")
        self.app = app
        self.tuning = tuning or Tuning()
        self.webhook_url = (
            settings.public_base_url + WEBHOOK_PATH if settings.public_base_url else None
        )
        self.secret = settings.telegram_webhook_secret
        if self.webhook_url and self.secret is None:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET: required when PUBLIC_BASE_URL is set")
        sqlite = app.db.dialect.name == "sqlite"
        self.channel = TelegramChannel(app.engine, metrics, serial_writes=sqlite)
        rate = self.tuning.overall_rate
        if rate is None:
            rate = settings.telegram_messages_per_second
        # Shared with the outbox dispatcher, so replies and proactive messages share one budget,
        # and through PostgreSQL with every other instance.
        shared = None if sqlite or not rate else SharedSlots(app.db, "telegram", rate)
        self.limiter = telegram_limiter(rate, shared=shared) if rate else None
        self.application = build_application(
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_api_base_url,
            self.channel,
            polling=self.webhook_url is None,
            tuning=self.tuning,
            limiter=self.limiter,
        )

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    def routes(self) -> list[BaseRoute]:
        if self.webhook_url is None or self.secret is None:
            return []
        return [webhook_route(self.application, self.secret.get_secret_value())]

    async def start(self) -> None:
        application = self.application
        await application.initialize()  # getMe: checks the token, learns the bot's username
        engine = self.app.engine
        engine.config = dataclasses.replace(engine.config, bot_username=application.bot.username)
        await publish_commands(application.bot, engine.config.default_locale)
        if self.webhook_url and self.secret:
            await application.bot.set_webhook(
                self.webhook_url,
                secret_token=self.secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        elif application.updater is not None:
            await application.updater.start_polling(
                timeout=self.tuning.poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        await application.start()
        log.info("telegram: @%s answering by %s", application.bot.username, self.mode)

    async def stop(self) -> None:
        """Finish the updates in hand; the webhook stays set for the next start."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
