"""The ticket sent with a confirmation can be fetched from any of our instances for an hour,
and is gone after that."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.shared_files import SharedFile
from scheduler.housekeeping import forget_old_records
from tests.bot.whatsapp.conftest import StartWhatsApp, WhatsApp
from tests.scheduler.support import CONFIG, QUIET
from tests.support import Clock


async def registered_with_ticket(whatsapp: WhatsApp) -> str:
    """Noa registers for an event; returns the URL of the ticket she was sent."""
    await whatsapp.say("/start ev_forum-north-january")
    for answer in ("1", "נועה כהן", "יזרעאל"):
        await whatsapp.say(answer)
    _, ticket = await whatsapp.say("1", count=2)
    media_url = ticket.get("MediaUrl")
    assert media_url is not None
    return media_url


async def test_another_instance_serves_the_ticket_until_it_expires(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with start_whatsapp() as first, start_whatsapp() as second:
        media_url = await registered_with_ticket(first)
        # Twilio's fetch lands on the other instance behind the load balancer.
        path = media_url.removeprefix(first.url)
        ticket = await second.client.get(path)
        assert ticket.status_code == 200
        assert ticket.headers["content-type"] == "application/pdf"
        assert ticket.content.startswith(b"%PDF")

        clock.advance(hours=1, seconds=1)
        assert (await second.client.get(path)).status_code == 404
        async with httpx.AsyncClient() as client:
            assert (await client.get(media_url)).status_code == 404

    async with sessions() as session, session.begin():
        assert await forget_old_records(session, clock(), CONFIG, QUIET) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SharedFile)) == 0
