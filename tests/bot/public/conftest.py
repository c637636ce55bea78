"""The public pages over HTTP (httpx in-process, or a real server for the browser), on the
demo catalogue with both channels configured, at the tests' fixed time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.http import create_app
from bot.metrics import Metrics
from bot.public.site import PublicSite
from handlers.core.context import EngineConfig
from tests.support import Clock

BOT = "hagshama_test_bot"
WHATSAPP = "whatsapp:+14155238886"
BASE = "https://kibbutz.example"
CONFIG = EngineConfig(bot_username=BOT, whatsapp_number=WHATSAPP, public_base_url=BASE)


@pytest.fixture
def site(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> PublicSite:
    return PublicSite(sessions, CONFIG, clock)


@pytest_asyncio.fixture
async def web(
    sessions: async_sessionmaker[AsyncSession], site: PublicSite, catalog: None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the whole app (webhook routes and pages), as `hagshama run` serves it."""
    app = create_app(sessions, Metrics(), [], site.app())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hagshama") as client:
        yield client
