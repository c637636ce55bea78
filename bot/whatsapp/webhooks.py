"""Twilio's webhooks on the acknowledgement path: a bounded body, the signature, one INSERT.

Both routes answer Twilio at once with empty TwiML (we reply through the API) once the
update is stored; what it asks for is done by the inbox's worker (bot/answering.py)."""

from __future__ import annotations

from collections.abc import Callable

from bot.acknowledging import FORBIDDEN, Acknowledging, Answer, Posted, refusal
from bot.cleaning import printable
from bot.http import DirectRoute, Limits
from bot.intake import Intake
from bot.whatsapp.signature import SIGNATURE_HEADER, Signatures
from models.inbox import CHAT_LENGTH, Arrival

SID_LENGTH = 64
"""Twilio's sids are 34 characters; the outbox keeps them in 64."""
EMPTY_TWIML = Answer(
    200,
    b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    b"text/xml; charset=utf-8",
)
"""We reply through the API, not in the webhook's response."""
MALFORMED = refusal(400, "malformed")

Parse = Callable[[dict[str, str]], Arrival | None]


def webhook(
    path: str, intake: Intake, signatures: Signatures, limits: Limits, parse: Parse
) -> DirectRoute:
    """A route storing what `parse` makes of each signed form (None: nothing to do)."""
    header = SIGNATURE_HEADER.lower().encode()

    async def take(posted: Posted) -> Answer:
        body = await posted.body()
        params = signatures.form(posted.header(header), posted.target, body)
        if params is None:
            return FORBIDDEN
        try:
            arrival = parse({key: printable(value) for key, value in params.items()})
        except ValueError:
            return MALFORMED
        if arrival is not None:
            await intake.take(arrival)
        return EMPTY_TWIML

    return Acknowledging(intake, limits, take).route(path)


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
