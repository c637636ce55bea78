"""Twilio's webhooks on the acknowledgement path: a bounded body, the signature, one INSERT.

Both routes answer Twilio at once with empty TwiML (we reply through the API) once the
update is stored; what it asks for is done by the inbox's worker (bot/answering.py)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.cleaning import printable
from bot.http import BodyRefused, Limits, read_body
from bot.intake import Intake, Unavailable
from bot.whatsapp.signature import Signatures
from models.inbox import CHAT_LENGTH, Arrival

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SID_LENGTH = 64
"""Twilio's sids are 34 characters; the outbox keeps them in 64."""

Parse = Callable[[dict[str, str]], Arrival | None]


def acknowledge() -> Response:
    """An empty TwiML answer: we reply through the API, not in the webhook's response."""
    return Response(EMPTY_TWIML, media_type="text/xml")


def webhook(
    path: str, intake: Intake, signatures: Signatures, limits: Limits, parse: Parse
) -> Route:
    """A route storing what `parse` makes of each signed form (None: nothing to do)."""

    async def receive(request: Request) -> Response:
        with intake.request():
            return await take(request)

    async def take(request: Request) -> Response:
        try:
            body = await read_body(request, limits)
        except BodyRefused as refused:
            return refused.response()
        params = signatures.form(request, body)
        if params is None:
            return PlainTextResponse("forbidden", status_code=403)
        try:
            arrival = parse({key: printable(value) for key, value in params.items()})
        except ValueError:
            return PlainTextResponse("malformed", status_code=400)
        if arrival is None:
            return acknowledge()
        try:
            await intake.take(arrival)
        except Unavailable:
            return PlainTextResponse("try again", status_code=503)
        return acknowledge()

    return Route(path, receive, methods=["POST"])


def sid(params: dict[str, str]) -> str:
    """The MessageSid; ValueError when it is longer than any sid Twilio gives."""
    value = params.get("MessageSid", "")
    if len(value) > SID_LENGTH:
        raise ValueError("MessageSid too long")
    return value


def address(value: str) -> str:
    """A sender address we can keep; ValueError for one longer than any number."""
    if len(value) > CHAT_LENGTH:
        raise ValueError("address too long")
    return value
