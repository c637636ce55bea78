"""POST /telegram/webhook: updates pushed by Telegram, checked against our secret token and
stored in the inbox before Telegram hears 200 (503 when they cannot be: Telegram sends again)."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.http import BodyRefused, Limits, read_body
from bot.intake import Intake, Unavailable
from bot.telegram.updates import arrival

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(intake: Intake, secret: str, bot_id: str, limits: Limits) -> Route:
    """Store each genuine update; refuse anyone without the secret before reading a byte."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        with intake.request():
            return await take(request)

    async def take(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await read_body(request, limits)
        except BodyRefused as refused:
            return refused.response()
        update = arrival(body, bot_id)
        if update is None:
            return PlainTextResponse("not a Telegram update", status_code=400)
        try:
            await intake.take(update)
        except Unavailable:
            return PlainTextResponse("try again", status_code=503)
        return Response(status_code=200)

    return Route(WEBHOOK_PATH, receive, methods=["POST"])
