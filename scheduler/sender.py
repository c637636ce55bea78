"""What the dispatcher needs from a channel: send one message, or say why it could not."""

from __future__ import annotations

from typing import Protocol

from handlers.types import Reply
from models.outbox import OutboxKind
from models.people import Channel

NUMBERED = frozenset({Channel.WHATSAPP, Channel.CONSOLE})
"""Channels that show buttons as numbered options, answered by typing the number."""


class RetryLater(Exception):
    """A temporary failure (429, 5xx, network): try again, after `retry_after` seconds if given."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RecipientBlocked(Exception):
    """The person blocked us (Telegram 403): deactivate the identity, skip what is queued."""


class OutsideWindow(Exception):
    """WhatsApp refuses free-form text outside the 24-hour window (Twilio 63016)."""


class PermanentFailure(Exception):
    """The provider refused this message for good; record why and do not retry."""


class Sender(Protocol):
    """A channel adapter as the outbox dispatcher sees it."""

    channel: Channel

    async def send(self, address: str, reply: Reply, kind: OutboxKind) -> str | None:
        """Deliver `reply` (a message of `kind`) to `address`; returns the provider's message id
        when there is one."""
        ...
