"""What answers and sends, behind the HTTP server: the inbox's answering (bot/answering.py),
the outbox dispatcher and the scheduler (bot/background.py), for the configured channels.

`hagshama run` runs them in a process of their own (bot/worker_process.py), so answering never
takes the event loop that acknowledges webhooks; tests run them beside the server."""

from __future__ import annotations

from datetime import timedelta

from bot.answering import Answerer, Answering, AnsweringPolicy
from bot.app import App
from bot.background import Background
from bot.intake import Intake
from bot.telegram.runner import TelegramRunner
from bot.whatsapp.channel import WhatsAppChannel
from models.people import Channel


class Workers:
    def __init__(
        self,
        app: App,
        intake: Intake,
        telegram: TelegramRunner | None,
        whatsapp: WhatsAppChannel | None,
    ) -> None:
        """`intake.arrived` wakes the answering: set by this process's webhooks, or by the
        acknowledging process through a pipe."""
        answerers: dict[str, Answerer] = {}
        if telegram is not None:
            answerers[Channel.TELEGRAM] = telegram.channel
        if whatsapp is not None:
            answerers[Channel.WHATSAPP] = whatsapp
        lease = timedelta(seconds=app.settings.answering_lease_seconds)
        self.answering = Answering(app.sessions, answerers, intake, AnsweringPolicy(lease=lease))
        self.background = Background(
            app,
            [whatsapp.sender] if whatsapp else [],
            telegram.limiter if telegram else None,
            {Channel.WHATSAPP: whatsapp.status.catch_up} if whatsapp else None,
        )

    async def start(self) -> None:
        await self.background.start()
        self.answering.start()

    async def stop(self) -> None:
        """Finish the chats and messages in hand, then stop."""
        await self.answering.stop()
        await self.background.stop()
