"""Replies and proactive messages draw on one Telegram budget; a 429 is waited out."""

from __future__ import annotations

from typing import Any

from telegram.error import RetryAfter

from bot.telegram.pacing import SharedPacing
from scheduler.ratelimit import RateLimiter


def frozen() -> float:
    return 0.0


async def test_a_reply_uses_up_the_slot_the_outbox_would_have_had() -> None:
    limiter = RateLimiter(1, burst=1, clock=frozen)
    pacing = SharedPacing(limiter, retries=0)
    sent: list[str] = []

    async def send_message() -> dict[str, Any]:
        sent.append("sendMessage")
        return {"ok": True}

    await pacing.process_request(send_message, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert sent == ["sendMessage"]
    assert limiter.reserve("outbox-chat") > 0  # the dispatcher now has to wait its turn


async def test_requests_to_no_chat_are_not_counted() -> None:
    limiter = RateLimiter(1, burst=1, clock=frozen)
    pacing = SharedPacing(limiter, retries=0)

    async def get_updates() -> list[dict[str, Any]]:
        return []

    for _ in range(5):
        await pacing.process_request(get_updates, (), {}, "getUpdates", {"timeout": 1}, None)
    assert limiter.reserve("outbox-chat") == 0


async def test_a_429_is_waited_out_and_tried_again() -> None:
    pacing = SharedPacing(None, retries=2)
    attempts: list[int] = []

    async def flaky() -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RetryAfter(0)
        return {"ok": True}

    assert await pacing.process_request(flaky, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert len(attempts) == 2
