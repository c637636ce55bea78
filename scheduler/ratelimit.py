"""Token buckets that pace sending to what the platforms allow, shared by everything that sends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

Monotonic = Callable[[], float]

TELEGRAM_RATE = 30.0
"""Messages per second a Telegram bot may send in bulk."""

TELEGRAM_CHAT_RATE = 1.0
"""Messages per second to one Telegram chat."""

TELEGRAM_CHAT_BURST = 3
"""A short burst to one chat is tolerated: an answer is often two or three messages."""

TELEGRAM_GROUP_RATE = 20 / 60
"""Messages per second to one Telegram group or channel: 20 a minute."""

GROUP_ADDRESSES = ("-", "@")
"""Telegram groups and channels have negative chat ids, public channels an @username too."""

WHATSAPP_RATE = 80.0
"""Twilio's default messages per second for one WhatsApp sender."""

LATE = 0.1
"""Seconds a shared slot stays good after its time."""


class TokenBucket:
    """`burst` tokens at once, then one every 1/`rate` seconds. Reservations queue: each caller
    is told when its token comes due, so callers are served in the order they asked."""

    def __init__(self, rate: float, burst: int = 1, clock: Monotonic = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a bucket needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._due = clock()  # when the bucket is empty again, if nobody takes another token

    def delay(self) -> float:
        """Seconds until a token would be free, without taking it."""
        return max(0.0, self._due - self._tolerance - self._clock())

    def reserve(self) -> float:
        """Take the next token; returns how many seconds to wait before using it."""
        now = self._clock()
        wait = max(0.0, self._due - self._tolerance - now)
        self._due = max(self._due, now) + self._interval
        return wait

    def idle(self) -> bool:
        """True when the bucket is full again: forgetting it loses nothing."""
        return self._due <= self._clock()

    def hold(self, seconds: float) -> None:
        """No token for `seconds` from now; the burst is not refilled by the wait."""
        self._due = max(self._due, self._clock() + seconds + self._tolerance)


class Slots(Protocol):
    """A budget shared beyond this process (scheduler/shared_budget.py)."""

    async def reserve(self) -> float:
        """Take the next slot; returns how many seconds to wait before using it."""

    async def hold(self, seconds: float) -> None:
        """No slot for anyone for `seconds` from now."""

    held_until: float
    """No sending before this, on this process's clock: a 429 any instance met."""


class RateLimiter:
    """One channel's limits: a bucket for everything it sends, and optionally one per chat.
    The dispatcher and the channel's own replies share one instance so they share the budget;
    with `shared` slots, every instance of the bot shares it too (the per-chat limits stay
    local: one chat's messages are rarely split between instances). A 429 pauses all of it."""

    PRUNE_AT = 10_000
    """Per-chat buckets kept before idle ones are forgotten."""

    def __init__(
        self,
        rate: float,
        burst: int | None = None,
        *,
        chat_rate: float | None = None,
        chat_burst: int = 1,
        group_rate: float | None = None,
        clock: Monotonic = time.monotonic,
        shared: Slots | None = None,
    ) -> None:
        # A tenth of a second's worth of burst covers the pause between two claimed batches
        # without letting any one second go far over the rate.
        self.bucket = TokenBucket(rate, burst or max(1, round(rate / 10)), clock)
        self._chat_rate = chat_rate
        self._chat_burst = chat_burst
        self._group_rate = group_rate
        self._clock = clock
        self._chats: dict[str, TokenBucket] = {}
        self.shared = shared
        self._held_until = 0.0

    def chat_delay(self, address: str) -> float:
        """Seconds until `address` may receive another message, without reserving anything."""
        chat = self._chats.get(address)
        return chat.delay() if chat else 0.0

    def reserve(self, address: str) -> float:
        """Book one message to `address`; returns the seconds to wait before sending it."""
        chat = self._chat(address)
        # Both are booked now: a global slot booked for later would hold up every other chat.
        return max(chat.reserve() if chat else 0.0, self.bucket.reserve())

    async def acquire(self, address: str) -> None:
        """Wait until one more message to `address` fits both the chat's and the global limit."""
        if self.shared is None:
            await self._local(self.reserve(address))
            return
        chat = self._chat(address)
        wait = chat.reserve() if chat else 0.0
        if wait > 0:  # the chat's turn first, then a slot of the budget all instances share
            await asyncio.sleep(wait)
        await self._shared(self.shared)

    async def acquire_overall(self) -> None:
        """Wait for a slot in the channel-wide budget only: for answers to someone who has just
        written, which the per-chat limit does not hold back."""
        if self.shared is None:
            await self._local(self.bucket.reserve())
        else:
            await self._shared(self.shared)

    async def pause(self, seconds: float) -> None:
        """The platform answered 429: nothing more goes out for `seconds`, whoever sends it."""
        self._held_until = max(self._held_until, self._clock() + seconds)
        self.bucket.hold(seconds)
        if self.shared is not None:
            await self.shared.hold(seconds)

    async def _local(self, wait: float) -> None:
        """Wait `wait`; a message whose turn fell inside a pause takes a new one after it, so
        the queue resumes at the rate rather than all at once."""
        while True:
            if wait > 0:
                await asyncio.sleep(wait)
            held = self._held_until - self._clock()
            if held <= 0:
                return
            await asyncio.sleep(held)
            wait = self.bucket.reserve()

    async def _shared(self, shared: Slots) -> None:
        """Wait for a slot of the shared budget. A slot is good only on time: a process that
        wakes late (starved of CPU, say) takes a new one rather than send in another
        instance's turn, so a backlog never goes out faster than the rate."""
        while True:
            wait = await shared.reserve()
            due = self._clock() + wait
            if wait > 0:
                await asyncio.sleep(wait)
            # Another instance's 429 is learnt from the budget with this process's next slots.
            held = max(self._held_until, shared.held_until) - self._clock()
            if held > 0:
                await asyncio.sleep(held)
            elif self._clock() - due <= LATE:
                return

    def _chat(self, address: str) -> TokenBucket | None:
        if self._chat_rate is None:
            return None
        chat = self._chats.get(address)
        if chat is None:
            if len(self._chats) >= self.PRUNE_AT:
                self._chats = {a: b for a, b in self._chats.items() if not b.idle()}
            group = self._group_rate is not None and address.startswith(GROUP_ADDRESSES)
            rate, burst = (self._group_rate, 1) if group else (self._chat_rate, self._chat_burst)
            chat = self._chats[address] = TokenBucket(rate or self._chat_rate, burst, self._clock)
        return chat


def telegram_limiter(
    rate: float = TELEGRAM_RATE, clock: Monotonic = time.monotonic, shared: Slots | None = None
) -> RateLimiter:
    """Telegram: `rate` per second for the bot, about one per second per chat, 20 a minute
    per group or channel."""
    return RateLimiter(
        rate,
        chat_rate=TELEGRAM_CHAT_RATE,
        chat_burst=TELEGRAM_CHAT_BURST,
        group_rate=TELEGRAM_GROUP_RATE,
        clock=clock,
        shared=shared,
    )


def whatsapp_limiter(
    rate: float = WHATSAPP_RATE, clock: Monotonic = time.monotonic, shared: Slots | None = None
) -> RateLimiter:
    """WhatsApp via Twilio: the sender number's messages-per-second, no per-chat limit."""
    return RateLimiter(rate, clock=clock, shared=shared)
