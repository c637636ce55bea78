"""POST /telegram/webhook: updates pushed by Telegram, checked against our secret token and
stored in the inbox before Telegram hears 200 (503 when they cannot be: Telegram sends again)."""

from __future__ import annotations

import hmac

from bot.acknowledging import FORBIDDEN, OK, Acknowledging, Answer, Posted, refusal
from bot.http import DirectRoute, Limits
from bot.intake import Intake
from bot.telegram.updates import arrival

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOT_AN_UPDATE = refusal(400, "not a Telegram update")


def webhook_route(intake: Intake, secret: str, bot_id: str, limits: Limits) -> DirectRoute:
    """Store each genuine update; refuse anyone without the secret before reading a byte."""
    expected = secret.encode()
    header = SECRET_HEADER.lower().encode()

    async def take(posted: Posted) -> Answer:
        if not hmac.compare_digest(posted.header(header) or b"", expected):
            return FORBIDDEN
        update = arrival(await posted.body(), bot_id)
        if update is None:
            return NOT_AN_UPDATE
        await intake.take(update)
        return OK

    return Acknowledging(intake, limits, take).route(WEBHOOK_PATH)
