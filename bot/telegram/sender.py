"""The outbox's way out to Telegram: one queued reply, sent, or the reason it was not."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.deliver import deliver
from handlers.core.types import Reply
from models.outbox import OutboxKind
from models.people import Channel
from scheduler.sender import PermanentFailure, RecipientBlocked, RetryLater

CONNECTIONS = 16
"""Requests in flight at once: ample for 30 a second at Telegram's latency; more connections
slow httpx's pool down."""


def outbox_bot(token: str, base_url: str, connections: int = CONNECTIONS) -> Bot:
    """A Bot of its own for the outbox: the dispatcher paces it and retries by itself, so none
    of python-telegram-bot's rate limiting or retrying sits in between."""
    return Bot(
        token,
        base_url=base_url,
        request=HTTPXRequest(connection_pool_size=connections, pool_timeout=30),
    )


class TelegramSender:
    """Sends through the Bot API with the same rendering as interactive replies."""

    channel = Channel.TELEGRAM

    def __init__(self, bot: Bot, locale: str = "he") -> None:
        self.bot = bot
        self.locale = locale

    async def send(self, address: str, reply: Reply, kind: OutboxKind) -> str | None:
        """Deliver one reply; Telegram's errors become what the dispatcher acts on."""
        try:
            sent = await deliver(self.bot, chat_id(address), [reply], self.locale)
        except RetryAfter as error:
            raise RetryLater(str(error), retry_after=retry_seconds(error)) from error
        except Forbidden as error:
            raise RecipientBlocked(error.message) from error
        except BadRequest as error:  # a NetworkError subclass, but retrying cannot help
            raise PermanentFailure(error.message) from error
        except NetworkError as error:  # timeouts, connection errors and 5xx answers
            raise RetryLater(error.message) from error
        except TelegramError as error:  # chat migrated, endpoint gone, token revoked…
            raise PermanentFailure(error.message) from error
        return str(sent) if sent is not None else None


def chat_id(address: str) -> int | str:
    """A chat's id as the Bot API takes it: a number, or a public channel's @username."""
    return address if address.startswith("@") else int(address)


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # The int form is deprecated in favour of timedelta; either is read the same.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
