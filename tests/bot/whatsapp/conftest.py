"""Our WhatsApp routes served by uvicorn on 127.0.0.1, talking to the stand-in Twilio API."""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import httpx
import pytest
import pytest_asyncio
import uvicorn
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.answering import Answering
from bot.http import create_app
from bot.intake import Intake
from bot.metrics import Metrics
from bot.serve import tcp_listener
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.client import TwilioConfig
from bot.whatsapp.menus import Menus
from bot.whatsapp.signature import SIGNATURE_HEADER
from bot.whatsapp.templates import Templates
from handlers.core.engine import Engine
from handlers.core.types import TemplateKind
from models.inbox import InboxEntry, InboxStatus
from models.people import Channel
from tests.bot.whatsapp.standin import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, PATIENCE, Sent, StandIn

NOA = "whatsapp:+972501234567"
TEMPLATE = "HX00000000000000000000000000000000"
"""The notice template ("you have a new message … reply to read it")."""
REMINDER_TEMPLATE = "HX11111111111111111111111111111111"
OFFER_TEMPLATE = "HX22222222222222222222222222222222"
ALL_TEMPLATES = Templates(
    {
        TemplateKind.NOTICE: {"*": TEMPLATE},
        TemplateKind.REMINDER: {"*": REMINDER_TEMPLATE},
        TemplateKind.OFFER: {"*": OFFER_TEMPLATE},
    }
)
T = TypeVar("T")
_sids = itertools.count(1)


def signed(url: str, params: dict[str, str]) -> dict[str, str]:
    """The signature header Twilio would send with this form to this URL."""
    return {SIGNATURE_HEADER: RequestValidator(AUTH_TOKEN).compute_signature(url, params)}


@dataclass
class WhatsApp:
    """Our running WhatsApp channel; `say` sends a signed message as a person would."""

    standin: StandIn
    channel: WhatsAppChannel
    url: str
    client: httpx.AsyncClient

    async def answered(self) -> None:
        """Wait until everything acknowledged so far has been answered or applied."""
        sessions = self.channel.inbound.engine.sessions

        async def unfinished() -> int:
            async with sessions() as session:
                count = select(func.count()).where(InboxEntry.status != InboxStatus.DONE)
                return int(await session.scalar(count) or 0)

        await eventually(unfinished, 0)

    async def post(
        self, path: str, params: dict[str, str], signature: bool = True
    ) -> httpx.Response:
        headers = signed(self.url + path, params) if signature else {}
        return await self.client.post(path, data=params, headers=headers)

    async def inbound(self, text: str = "", address: str = NOA, **fields: str) -> httpx.Response:
        params = {
            "MessageSid": f"SM{next(_sids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": address,
            "To": OUR_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "ProfileName": "Noa",
            **fields,
        }
        response = await self.post("/whatsapp/inbound", params)
        assert response.status_code == 200, response.text
        return response

    async def say(self, text: str, address: str = NOA, count: int = 1, **fields: str) -> list[Sent]:
        """Send a message and wait for the next `count` messages the bot sends back."""
        before = len(self.standin.to(address))
        await self.inbound(text, address, **fields)
        await self.standin.wait_for(lambda: len(self.standin.to(address)) >= before + count)
        return self.standin.to(address)[before:]


async def eventually(check: Callable[[], Awaitable[T]], expected: T) -> None:
    """Wait for work the bot does after answering, such as a database write."""
    async with asyncio.timeout(PATIENCE):
        # The database has no change notification to wait on: look again shortly.
        while await check() != expected:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


StartWhatsApp = Callable[..., AbstractAsyncContextManager[WhatsApp]]


@asynccontextmanager
async def serve_whatsapp(
    standin: StandIn,
    engine: Engine,
    templates: Templates | None = None,
    menus: Menus | None = None,
    tier: int = 250,
) -> AsyncIterator[WhatsApp]:
    """Our WhatsApp routes and the inbox worker, served on a free port, talking to `standin`."""
    listener = tcp_listener("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = TwilioConfig(
        ACCOUNT_SID,
        AUTH_TOKEN,
        OUR_NUMBER,
        url,
        standin.base_url,
        templates=templates or Templates(),
        menus=menus or Menus(),
        tier=tier,
    )
    intake = Intake(engine.sessions)
    channel = WhatsAppChannel(engine, config, intake, engine.clock)
    answering = Answering(engine.sessions, {Channel.WHATSAPP: channel}, intake)
    answering.start()
    app = create_app(engine.sessions, Metrics(), channel.routes())
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve([listener]))
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            async with asyncio.timeout(PATIENCE):
                while not server.started:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            yield WhatsApp(standin, channel, url, client)
    finally:
        server.should_exit = True
        await task
        await answering.stop()
        await channel.close()
        listener.close()


@pytest.fixture
def start_whatsapp(standin: StandIn, engine: Engine) -> StartWhatsApp:
    return functools.partial(serve_whatsapp, standin, engine)


@pytest_asyncio.fixture
async def whatsapp(start_whatsapp: StartWhatsApp, catalog: None) -> AsyncIterator[WhatsApp]:
    async with start_whatsapp() as running:
        yield running
