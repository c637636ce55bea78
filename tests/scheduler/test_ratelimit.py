"""Token buckets keep each channel within what the platform allows, counted on a manual clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from scheduler.ratelimit import RateLimiter, TokenBucket, telegram_limiter, whatsapp_limiter


@dataclass
class Seconds:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def sent_within(waits: list[float], seconds: float) -> int:
    """How many of the booked messages go out in the first `seconds`."""
    return sum(wait < seconds for wait in waits)


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(rate=30, burst=3, clock=Seconds())
    waits = [bucket.reserve() for _ in range(300)]
    assert waits[:3] == [0, 0, 0]
    assert sent_within(waits, 1) == 3 + 29  # the burst, then one every 1/30 s
    assert sent_within(waits, 9) <= 3 + 30 * 9
    assert waits == sorted(waits)  # first asked, first served


def test_an_idle_bucket_fills_up_to_its_burst_and_no_more() -> None:
    clock = Seconds()
    bucket = TokenBucket(rate=1, burst=3, clock=clock)
    assert [bucket.reserve() for _ in range(3)] == [0, 0, 0]
    assert bucket.delay() == pytest.approx(1)
    clock.now = 60
    assert bucket.idle()
    assert sum(bucket.reserve() == 0 for _ in range(10)) == 3


def test_looking_does_not_take_a_token() -> None:
    bucket = TokenBucket(rate=1, clock=Seconds())
    assert bucket.delay() == bucket.delay() == 0
    assert bucket.reserve() == 0
    assert bucket.delay() == pytest.approx(1)


def test_telegram_paces_each_chat_to_about_one_a_second() -> None:
    limiter = telegram_limiter(clock=Seconds())
    waits = [limiter.reserve("42") for _ in range(10)]
    assert sent_within(waits, 1) == 3  # an answer of three messages at once
    assert sent_within(waits, 5) == 3 + 4  # then one a second
    assert limiter.chat_delay("42") > 5
    assert limiter.chat_delay("43") == 0  # another chat is not held up
    assert limiter.reserve("43") < 1


def test_telegram_sends_at_most_thirty_a_second_in_bulk() -> None:
    limiter = telegram_limiter(clock=Seconds())
    waits = [limiter.reserve(str(chat)) for chat in range(3000)]
    assert sent_within(waits, 10) <= 30 * 10 + limiter.bucket.burst
    assert sent_within(waits, 10) >= 30 * 10


def test_a_busy_chat_does_not_hold_up_the_others() -> None:
    limiter = telegram_limiter(clock=Seconds())
    for _ in range(3):
        limiter.reserve("busy")
    assert limiter.reserve("busy") == pytest.approx(1)
    assert sent_within([limiter.reserve(str(chat)) for chat in range(60)], 1) >= 25


def test_whatsapp_sends_at_the_configured_rate_and_has_no_chat_limit() -> None:
    limiter = whatsapp_limiter(80, clock=Seconds())
    waits = [limiter.reserve("whatsapp:+972501234567") for _ in range(800)]
    assert sent_within(waits, 5) <= 80 * 5 + limiter.bucket.burst
    assert limiter.chat_delay("whatsapp:+972501234567") == 0


def test_only_idle_chats_are_forgotten() -> None:
    clock = Seconds()
    limiter = RateLimiter(1000, chat_rate=1, clock=clock)
    limiter.PRUNE_AT = 3
    for chat in ("a", "b", "c"):
        limiter.reserve(chat)
    clock.now = 0.5
    limiter.reserve("d")
    assert limiter.chat_delay("a") > 0  # still busy, so still remembered
    clock.now = 5
    limiter.reserve("e")
    limiter.reserve("f")
    assert limiter.chat_delay("a") == 0


async def test_everyone_waiting_gets_through() -> None:
    limiter = RateLimiter(2000, chat_rate=1000, chat_burst=10)
    done = await asyncio.gather(*(limiter.acquire(str(n % 3)) for n in range(60)))
    assert len(done) == 60
