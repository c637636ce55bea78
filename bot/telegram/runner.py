"""Running the Telegram channel: updates into the inbox by long polling or through our
webhook; the Application's bot (paced) sends the answers."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.app import App
from bot.http import Limits
from bot.intake import Intake
from bot.metrics import Metrics
from bot.settings import SettingsError
from bot.telegram.channel import TelegramChannel
from bot.telegram.commands import publish_commands
from bot.telegram.files import file_url
from bot.telegram.pacing import SharedPacing
from bot.telegram.polling import Polling
from bot.telegram.request import AiohttpRequest
from bot.telegram.updates import bot_id
from bot.telegram.webhook import WEBHOOK_PATH, webhook_route
from scheduler.ratelimit import RateLimiter, telegram_limiter
from scheduler.shared_budget import SharedSlots

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
CONNECTIONS = 8
"""Requests to the Bot API in flight at once: replies are paced at 30 a second."""
POOL_TIMEOUT = 30.0
"""Seconds a reply may wait for a free connection before it counts as timed out."""


@dataclass(frozen=True)
class Tuning:
    overall_rate: float | None = None
    """Messages per second across all chats; None for TELEGRAM_MESSAGES_PER_SECOND, 0 turns
    the limit off."""
    retries: int = 3
    """How often a request answered 429 is tried again, after the `retry_after` it names."""
    poll_timeout: int = 10
    """Seconds one long-polling getUpdates request waits for news."""


def build_application(
    token: str, base_url: str, *, tuning: Tuning, limiter: RateLimiter | None
) -> TelegramApplication:
    """A python-telegram-bot Application for its paced bot: updates come from our inbox."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url(base_url))
        .rate_limiter(SharedPacing(limiter, tuning.retries))
        .request(AiohttpRequest(CONNECTIONS, pool_timeout=POOL_TIMEOUT))
        .get_updates_request(AiohttpRequest())
        .updater(None)
    )
    application: TelegramApplication = builder.build()
    return application


class TelegramRunner:
    """The channel's lifecycle: start (commands menu, webhook or polling), routes, stop."""

    def __init__(
        self,
        app: App,
        metrics: Metrics,
        intake: Intake,
        tuning: Tuning | None = None,
        limits: Limits | None = None,
    ) -> None:
        settings = app.settings
        if settings.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN: not set")
        self.app = app
        self.intake = intake
        self.tuning = tuning or Tuning()
        self.limits = limits or Limits()
        self.webhook_url = (
            settings.public_base_url + WEBHOOK_PATH if settings.public_base_url else None
        )
        self.secret = settings.telegram_webhook_secret
        if self.webhook_url and self.secret is None:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET: required when PUBLIC_BASE_URL is set")
        rate = self.tuning.overall_rate
        if rate is None:
            rate = settings.telegram_messages_per_second
        # Shared with the outbox dispatcher, so replies and proactive messages share one budget,
        # and through PostgreSQL or Redis with every other instance.
        shared = SharedSlots(app.budgets, "telegram", rate) if app.budgets and rate else None
        self.limiter = telegram_limiter(rate, shared=shared) if rate else None
        token = settings.telegram_bot_token.get_secret_value()
        self.bot_id = bot_id(token)
        self.application = build_application(
            token, settings.telegram_api_base_url, tuning=self.tuning, limiter=self.limiter
        )
        self.channel = TelegramChannel(app.engine, metrics, self.application.bot)
        self.polling: Polling | None = None

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    def routes(self) -> list[BaseRoute]:
        if self.webhook_url is None or self.secret is None:
            return []
        secret = self.secret.get_secret_value()
        return [webhook_route(self.intake, secret, self.bot_id, self.limits)]

    async def initialize(self) -> None:
        """Ready to answer: getMe checks the token and tells the bot's username (for links)."""
        application = self.application
        await application.initialize()
        engine = self.app.engine
        engine.config = dataclasses.replace(engine.config, bot_username=application.bot.username)

    async def start(self) -> None:
        """Initialize, publish the commands menu, and start taking updates in."""
        await self.initialize()
        application = self.application
        await publish_commands(
            application.bot, self.app.engine.config.default_locale, self.app.engine.routes
        )
        if self.webhook_url and self.secret:
            await application.bot.set_webhook(
                self.webhook_url,
                secret_token=self.secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await application.bot.delete_webhook()
            self.polling = Polling(
                application.bot,
                self.intake,
                self.bot_id,
                self.tuning.poll_timeout,
                ALLOWED_UPDATES,
            )
            self.polling.start()
        log.info("telegram: @%s answering by %s", application.bot.username, self.mode)

    async def stop_polling(self) -> None:
        """Take no more updates in (what is stored is answered by whoever claims it)."""
        if self.polling is not None:
            await self.polling.stop()

    async def stop(self) -> None:
        """Stop taking updates in and close the bot; the webhook stays set for the next start."""
        await self.stop_polling()
        await self.application.shutdown()
