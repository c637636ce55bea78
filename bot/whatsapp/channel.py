"""The WhatsApp channel put together: its HTTP routes and its outbox sender."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from starlette.routing import BaseRoute

from bot.calendar_feed import calendar_route
from bot.whatsapp.client import Outbound, TwilioConfig
from bot.whatsapp.inbound import WhatsAppInbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.signature import Signatures
from bot.whatsapp.status import StatusReports
from handlers.engine import Engine
from models.base import utcnow


class WhatsAppChannel:
    """Create inside the running event loop (the HTTP client binds to it); close when done."""

    def __init__(
        self, engine: Engine, config: TwilioConfig, clock: Callable[[], datetime] = utcnow
    ) -> None:
        # Conversations link to our calendar entries and draw WhatsApp deep links on tickets.
        engine.config = dataclasses.replace(
            engine.config,
            public_base_url=engine.config.public_base_url or config.public_base_url,
            whatsapp_number=engine.config.whatsapp_number or config.sender,
            whatsapp_tier=config.tier,
        )
        self.outbound = Outbound(config)
        shelf = MediaShelf(engine.sessions, config.public_base_url, clock)
        signatures = Signatures(config.auth_token, config.public_base_url)
        self.sender = WhatsAppSender(
            engine.sessions, self.outbound, shelf, engine.config.default_locale, clock
        )
        self.inbound = WhatsAppInbound(engine, self.outbound, shelf, signatures, clock)
        self.status = StatusReports(self.sender, signatures)
        self.shelf = shelf
        self.calendar = calendar_route(engine.sessions, clock)

    def routes(self) -> list[BaseRoute]:
        return [self.inbound.route(), self.status.route(), self.shelf.route(), self.calendar]

    async def close(self) -> None:
        await self.outbound.close()
