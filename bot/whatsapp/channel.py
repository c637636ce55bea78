"""The WhatsApp channel put together: its HTTP routes, its outbox sender, and its part in
answering the inbox (messages and status reports)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from starlette.routing import BaseRoute

from bot.calendar_feed import calendar_route
from bot.http import Limits
from bot.intake import Intake
from bot.whatsapp import status
from bot.whatsapp.client import Outbound, TwilioConfig
from bot.whatsapp.files import TwilioFiles
from bot.whatsapp.inbound import WhatsAppInbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.signature import Signatures
from bot.whatsapp.status import StatusReports
from handlers.core.engine import Engine
from models.base import utcnow
from models.inbox import Claimed
from models.people import Channel


class WhatsAppChannel:
    """Create inside the running event loop (the HTTP client binds to it); close when done."""

    def __init__(
        self,
        engine: Engine,
        config: TwilioConfig,
        intake: Intake,
        clock: Callable[[], datetime] = utcnow,
        limits: Limits | None = None,
    ) -> None:
        # Conversations link to our calendar entries and draw WhatsApp deep links on tickets.
        engine.config = dataclasses.replace(
            engine.config,
            public_base_url=engine.config.public_base_url or config.public_base_url,
            whatsapp_number=engine.config.whatsapp_number or config.sender,
            whatsapp_tier=config.tier,
        )
        self.outbound = Outbound(config)
        self.files = TwilioFiles(config.account_sid, config.auth_token, config.api_base_url)
        engine.files[Channel.WHATSAPP] = self.files
        shelf = MediaShelf(engine.sessions, config.public_base_url, clock)
        signatures = Signatures(config.auth_token, config.public_base_url)
        self.sender = WhatsAppSender(
            engine.sessions, self.outbound, shelf, engine.config.default_locale, clock
        )
        self.inbound = WhatsAppInbound(engine, self.outbound, shelf, signatures, clock)
        self.status = StatusReports(self.sender, signatures)
        self.shelf = shelf
        self.calendar = calendar_route(engine.sessions, engine.config.default_locale, clock)
        self.intake = intake
        self.limits = limits or Limits()

    def routes(self) -> list[BaseRoute]:
        return [
            self.inbound.route(self.intake, self.limits),
            self.status.route(self.intake, self.limits),
            self.shelf.route(),
            self.calendar,
        ]

    async def answer(self, entry: Claimed) -> None:
        """A stored message is answered, a stored status report applied."""
        if entry.kind == status.KIND:
            await self.status.apply(entry)
        else:
            await self.inbound.answer(entry)

    async def failed(self, entry: Claimed, error: BaseException) -> None:
        if entry.kind == status.KIND:
            status.log.error("status report %d failed", entry.id, exc_info=error)
        else:
            await self.inbound.failed(entry, error)

    async def close(self) -> None:
        await self.outbound.close()
        await self.files.close()
