"""The project's HTTP server: health, metrics, and the routes each channel contributes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.metrics import Metrics

log = logging.getLogger(__name__)

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
MEBIBYTE = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one request may cost us before it is refused."""

    max_body: int = MEBIBYTE
    """Bytes of body (MAX_BODY_BYTES); counted while reading, so a larger one is never held."""
    body_timeout: float = 10.0
    """Seconds to receive a whole body: a client trickling bytes is dropped (408)."""
    header_timeout: float = 10.0
    """Seconds to receive a request's headers (HTTP_HEADER_TIMEOUT_SECONDS; BoundedH11), and
    to keep an idle connection open."""


class BoundedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's headers: uvicorn drops
    idle keep-alive connections, but would wait forever for headers sent a byte at a time."""

    header_timeout = Limits.header_timeout
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # headers in: the body has its own deadline (Posted.body)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


def bounded_h11(limits: Limits) -> type[BoundedH11]:
    """BoundedH11 with the header deadline of `limits`, as uvicorn's protocol class."""

    class Bounded(BoundedH11):
        header_timeout = limits.header_timeout

    return Bounded


class DirectRoute(Route):
    """A route whose ASGI app answers by itself (bot/acknowledging.py): the server hands it
    its requests before Starlette's middleware and routing."""


class Direct:
    """The routes the platforms time, straight from the server; the rest through `app`."""

    def __init__(self, app: ASGIApp, direct: dict[str, ASGIApp]) -> None:
        self.app = app
        self.direct = direct

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            direct = self.direct.get(scope["path"])
            if direct is not None:
                await direct(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    sessions: async_sessionmaker[AsyncSession],
    metrics: Metrics,
    channel_routes: Sequence[BaseRoute] = (),
    pages: ASGIApp | None = None,
) -> ASGIApp:
    """A fresh app; channels (Telegram webhook, WhatsApp callbacks) bring their own routes,
    and the public pages (bot/public) take whatever path none of them does."""

    async def healthz(request: Request) -> Response:
        try:
            async with sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: the database does not answer")
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    async def metrics_text(request: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type=PROMETHEUS_TEXT)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_text, methods=["GET"]),
        *channel_routes,
        *([Mount("/", pages)] if pages is not None else []),
    ]
    direct = {route.path: route.app for route in routes if isinstance(route, DirectRoute)}
    return Direct(Starlette(routes=routes), direct)
