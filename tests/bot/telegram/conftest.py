"""The real bot (`serve`: Application, engine, HTTP server) against the stand-in Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
import pytest
import pytest_asyncio

from bot.app import App, ensure_demo_catalog, open_app
from bot.serve import serve, tcp_listener
from bot.settings import Settings
from bot.telegram.runner import Tuning
from bot.telegram.webhook import SECRET_HEADER
from tests.bot.telegram.standin import PATIENCE, TOKEN, Call, Json, StandIn
from tests.support import Clock

SECRET = "s3cret-token_for-tests"
T = TypeVar("T")


@dataclass
class RunningBot:
    """Our bot serving one mode; `send` delivers an update the way that mode receives it."""

    mode: str
    standin: StandIn
    app: App
    http_url: str
    client: httpx.AsyncClient

    async def send(self, update: Json) -> None:
        if self.mode == "polling":
            await self.standin.push(update)
            return
        response = await self.post(update)
        assert response.status_code == 200, response.text

    async def post(self, update: Json, secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.client.post("/telegram/webhook", json=update, headers=headers)

    async def say(self, chat_id: int, update: Json, count: int = 1) -> list[Call]:
        """Deliver `update` and wait for the next `count` messages the bot sends to the chat."""
        before = len(self.standin.sent(chat_id))
        await self.send(update)
        await self.standin.wait_for(lambda: len(self.standin.sent(chat_id)) >= before + count)
        return self.standin.sent(chat_id)[before:]


async def eventually(check: Callable[[], Awaitable[T]], expected: T) -> None:
    """Wait for work the bot does after its last request, such as a database write."""
    async with asyncio.timeout(PATIENCE):
        # The database has no change notification to wait on: look again shortly.
        while await check() != expected:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def running(
    mode: str, standin: StandIn, database_url: str, catalog: None, clock: Clock
) -> AsyncIterator[RunningBot]:
    """The bot on a database holding the demo catalogue, as `hagshama run` starts on an empty
    one: copied from the session's template, not imported again for every test."""
    listener = tcp_listener("127.0.0.1", 0)
    port = listener.getsockname()[1]
    http_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        public_base_url=http_url if mode == "webhook" else None,
        telegram_webhook_secret=SECRET if mode == "webhook" else None,
    )
    stop = asyncio.Event()
    async with open_app(settings) as app, httpx.AsyncClient(base_url=http_url) as client:
        app.engine.clock = clock
        await ensure_demo_catalog(app)
        task = asyncio.create_task(
            serve(app, sockets=[listener], stop=stop, tuning=Tuning(poll_timeout=1))
        )
        ready = "getUpdates" if mode == "polling" else "setWebhook"
        await standin.wait_for(lambda: standin.of(ready) or task.done())
        yield RunningBot(mode, standin, app, http_url, client)
        stop.set()
        await asyncio.wait_for(task, 30)
    listener.close()
