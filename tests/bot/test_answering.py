"""What was acknowledged is answered: through a SIGKILL and through a database outage."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from tests.bot.running import Run
from tests.bot.telegram.standin import PATIENCE, StandIn
from tests.bot.whatsapp.standin import StandIn as TwilioStandIn
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.slow

UPDATES = 150
RATE = "15"
"""Answers a second: ten seconds' worth of answers, so most are still to come at the kill."""
LEASE = "5"
"""Seconds the killed process's claims stay its own before the restarted one takes them."""
FIRST_CHAT = 70_000
WELCOME = "ברוכים הבאים"


def answered(standin: StandIn, chats: range) -> Counter[int]:
    return Counter(c.chat_id for c in standin.of("sendMessage") if c.chat_id in chats)


async def post_all(run: Run, standin: StandIn, chats: range) -> None:
    """Every chat says /start at once (32 at a time); each must be acknowledged 200."""
    gate = asyncio.Semaphore(32)

    async def one(chat: int) -> None:
        async with gate:
            response = await run.telegram(standin.message(chat, "/start"))
        assert response.status_code == 200, response.text

    await asyncio.gather(*(one(chat) for chat in chats))


async def test_150_acknowledged_updates_are_all_answered_after_a_sigkill(
    database_url: str, catalog: None, standin: StandIn, tmp_path: Path
) -> None:
    chats = range(FIRST_CHAT, FIRST_CHAT + UPDATES)
    run = Run(
        database_url,
        standin,
        None,
        tmp_path / "run.log",
        TELEGRAM_MESSAGES_PER_SECOND=RATE,
        ANSWERING_LEASE_SECONDS=LEASE,
    )
    await run.start()
    try:
        await post_all(run, standin, chats)
        await run.kill()  # answers go at RATE a second: most are still to come
        before = answered(standin, chats)
        assert len(before) < UPDATES

        await run.start()
        await standin.wait_for(lambda: len(answered(standin, chats)) == UPDATES, PATIENCE * 4)
    finally:
        await run.stop()
    times = answered(standin, chats)
    assert max(times.values()) <= 2  # only what was in flight at the kill goes twice
    welcomes = [c for c in standin.of("sendMessage") if c.chat_id in chats]
    assert all(WELCOME in c.params["text"] for c in welcomes)


async def test_through_a_database_outage_every_message_gets_its_real_answer(
    standin: StandIn, twilio: TwilioStandIn, tmp_path: Path
) -> None:
    cluster = Cluster()
    cluster.create()
    cluster.start()
    run = Run(cluster.url, standin, twilio, tmp_path / "run.log")
    try:
        await run.start()
        before = range(FIRST_CHAT, FIRST_CHAT + 20)
        await post_all(run, standin, before)
        cluster.stop()  # while most of those are still being answered

        # Down: nothing is acknowledged that could not be stored, and health says so.
        during = range(FIRST_CHAT + 100, FIRST_CHAT + 110)
        refused = [await run.telegram(standin.message(chat, "/start")) for chat in during]
        assert {r.status_code for r in refused} == {503}
        noa = "whatsapp:+972501112233"
        assert (await run.whatsapp(noa, "/start", sid="SM" + "a" * 32)).status_code == 503
        assert (await run.client.get("/healthz")).status_code == 503
        await asyncio.sleep(OUTAGE)
        cluster.start()

        # Telegram and Twilio send again what was refused, until it is taken.
        await post_all(run, standin, during)
        assert (await run.whatsapp(noa, "/start", sid="SM" + "a" * 32)).status_code == 200
        everyone = [*before, *during]
        await standin.wait_for(
            lambda: set(answered(standin, range(FIRST_CHAT, FIRST_CHAT + 110))) >= set(everyone),
            PATIENCE * 2,
        )
        await twilio.wait_for(lambda: bool(twilio.to(noa)))
        assert run.running
    finally:
        if run.process is not None:
            await run.stop()
        cluster.remove()
    answers = [c for c in standin.of("sendMessage") if c.chat_id in everyone]
    assert all(WELCOME in c.params["text"] for c in answers), "an apology instead of an answer"
    assert WELCOME in twilio.to(noa)[0].body


OUTAGE = 8
"""Seconds the test's database is down (bench/intake_faults.py holds it down 20 s)."""
