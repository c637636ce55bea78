"""`hagshama run`: every configured channel, and the HTTP server, until told to stop."""

from __future__ import annotations

import asyncio
import math
import signal
import socket
from collections.abc import Sequence

import uvicorn
from starlette.types import ASGIApp
from telegram.error import InvalidToken

from bot.app import App
from bot.http import Limits, bounded_h11, create_app
from bot.intake import Intake
from bot.metrics import Metrics
from bot.public.site import PublicSite
from bot.settings import Settings, SettingsError
from bot.telegram.runner import TelegramRunner, Tuning
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.client import TwilioConfig
from bot.worker_process import WorkerProcess
from bot.workers import Workers

NOTHING_TO_SERVE = (
    "no channel configured: set TELEGRAM_BOT_TOKEN (and, for a webhook instead of polling, "
    "PUBLIC_BASE_URL and TELEGRAM_WEBHOOK_SECRET), or TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
    "TWILIO_WHATSAPP_FROM and PUBLIC_BASE_URL for WhatsApp"
)


BACKLOG = 2048


def require_channels(settings: Settings) -> None:
    """Refuse to start with nothing to serve, naming the keys to set."""
    whatsapp = TwilioConfig.from_settings(settings)
    if settings.telegram_bot_token is None and whatsapp is None:
        raise SettingsError(NOTHING_TO_SERVE)


def channels(
    app: App,
    metrics: Metrics,
    intake: Intake,
    tuning: Tuning | None = None,
    limits: Limits | None = None,
) -> tuple[TelegramRunner | None, WhatsAppChannel | None]:
    """The configured channels, as both the acknowledging and the answering process see them."""
    settings = app.settings
    telegram = (
        TelegramRunner(app, metrics, intake, tuning, limits)
        if settings.telegram_bot_token
        else None
    )
    twilio = TwilioConfig.from_settings(settings)
    whatsapp = WhatsAppChannel(app.engine, twilio, intake, limits=limits) if twilio else None
    return telegram, whatsapp


async def serve(
    app: App,
    *,
    sockets: Sequence[socket.socket] | None = None,
    stop: asyncio.Event | None = None,
    tuning: Tuning | None = None,
    apart: bool = False,
) -> None:
    """Serve until `stop` is set or, without one, until SIGINT/SIGTERM. With `apart`, the
    answering runs in a process of its own (bot/worker_process.py, reading the same
    environment); without, beside the HTTP server (SQLite; tests, with their clock)."""
    require_channels(app.settings)
    metrics = Metrics()
    settings = app.settings
    limits = Limits(
        max_body=settings.max_body_bytes, header_timeout=settings.http_header_timeout_seconds
    )
    intake = Intake(app.sessions)
    telegram, whatsapp = channels(app, metrics, intake, tuning, limits)
    routes = [
        *(telegram.routes() if telegram else []),
        *(whatsapp.routes() if whatsapp else []),
    ]
    http = uvicorn.Server(
        uvicorn.Config(
            create_app(app.sessions, metrics, routes, _pages(app)),
            host=settings.http_host,
            port=settings.http_port,
            lifespan="off",
            log_level="warning",
            http=bounded_h11(limits),
            timeout_keep_alive=math.ceil(limits.header_timeout),
        )
    )
    listeners = list(sockets) if sockets else [tcp_listener(settings.http_host, settings.http_port)]
    for listener in listeners:
        # Listening before Telegram learns our webhook: updates that arrive while we start
        # wait in the accept queue instead of being refused.
        listener.listen(BACKLOG)
    try:
        if telegram is not None:
            await telegram.start()
    except BaseException as exc:
        if whatsapp is not None:
            await whatsapp.close()
        if telegram is not None:
            await telegram.stop()
        if isinstance(exc, InvalidToken):
            raise SettingsError(
                f"TELEGRAM_BOT_TOKEN: Telegram refused it ({exc.message})"
            ) from None
        raise
    workers = WorkerProcess(intake, metrics) if apart else Workers(app, intake, telegram, whatsapp)
    await workers.start()
    watcher = asyncio.create_task(_stop_when(stop, http)) if stop else None
    signals = _on_signals(http) if stop is None else []
    try:
        await http.serve(listeners)
    finally:
        loop = asyncio.get_running_loop()
        for sig in signals:
            loop.remove_signal_handler(sig)
        if watcher is not None:
            watcher.cancel()
        if telegram is not None:
            await telegram.stop_polling()
        await workers.stop()
        if whatsapp is not None:
            await whatsapp.close()
        if telegram is not None:
            await telegram.stop()


def _pages(app: App) -> ASGIApp:
    fresh_for = app.settings.public_page_cache_seconds
    return PublicSite(app.sessions, app.engine.config, fresh_for=fresh_for).app()


def tcp_listener(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port` (0: any free port), for the HTTP server to listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Named TCP, not left to the default protocol (0): asyncio turns off Nagle's algorithm
    # (TCP_NODELAY) only on connections whose socket says so, and without it a response
    # written in two parts (headers, then a body such as Twilio's TwiML) waits for the
    # client's delayed ACK, some 40 ms a request.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    return listener


async def _stop_when(stop: asyncio.Event, http: uvicorn.Server) -> None:
    await stop.wait()
    http.should_exit = True


def _on_signals(http: uvicorn.Server) -> list[signal.Signals]:
    """Stop gracefully on SIGINT/SIGTERM, also when they arrive after the HTTP server is done
    (uvicorn hands the signal back to the handler it found when it exits)."""

    def request_exit() -> None:
        http.should_exit = True

    loop = asyncio.get_running_loop()
    handled = [signal.SIGINT, signal.SIGTERM]
    for sig in handled:
        loop.add_signal_handler(sig, request_exit)
    return handled
