"""Stand-ins for the platforms, each a real HTTP server on a free port: the Bot API (`standin`;
the WhatsApp tests' own `standin` is Twilio's) and Twilio's API (`twilio`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.bot.telegram.standin import StandIn
from tests.bot.whatsapp.standin import StandIn as TwilioStandIn


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def twilio() -> AsyncIterator[TwilioStandIn]:
    server = TwilioStandIn()
    await server.start()
    yield server
    await server.stop()
