"""What the dispatcher needs from a channel: send one message, or say why it could not."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from handlers.core.types import Reply
from models.outbox import OutboxKind
from models.people import Channel, IdentityStatus

NUMBERED = frozenset({Channel.WHATSAPP, Channel.CONSOLE})
"""Channels that show buttons as numbered options, answered by typing the number."""


class RetryLater(Exception):
    """A temporary failure (429, 5xx, network): try again, after `retry_after` seconds if given."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RecipientBlocked(Exception):
    """The person blocked us (Telegram 403, WhatsApp 63014) or the address cannot receive
    messages (WhatsApp 63024): mark the identity with `status`, skip what is queued."""

    def __init__(self, reason: str, status: IdentityStatus = IdentityStatus.BLOCKED) -> None:
        super().__init__(reason)
        self.status = status


class Deferred(Exception):
    """Not now, through no fault of the message: a send budget (WhatsApp's messaging tier) is
    spent. Queue it again after `delay`, without counting an attempt."""

    def __init__(self, reason: str, delay: timedelta) -> None:
        super().__init__(reason)
        self.delay = delay


class Held(Exception):
    """Only a notice could go (WhatsApp, outside the 24-hour window): the message itself waits
    until the person writes back. `provider_id` is the notice's, when one was sent."""

    def __init__(self, reason: str, provider_id: str | None = None) -> None:
        super().__init__(reason)
        self.provider_id = provider_id


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
