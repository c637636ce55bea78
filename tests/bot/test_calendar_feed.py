"""The calendar entry served by link: in the person's language, else the deployment's."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot.calendar_feed import calendar_route
from models.calendar_links import calendar_token
from models.catalog import Event
from models.people import person_at
from models.registration_service import register
from tests.support import NOW

ENGLISH = b"SUMMARY:Northern forum for cooperative thinking"


async def _entries(
    sessions: async_sessionmaker[AsyncSession], default_locale: str, chosen: str | None
) -> bytes:
    """The entry of someone who chose `chosen` (or nothing) in a deployment of `default_locale`."""
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        person = await person_at(session, telegram_id="7070")
        person.locale = chosen
        outcome = await register(session, event, person.id, NOW)
        token = await calendar_token(session, outcome.registration.id)
    app = Starlette(routes=[calendar_route(sessions, default_locale, lambda: NOW)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hagshama") as client:
        response = await client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return response.content


async def test_an_english_deployments_entry_is_in_english_for_who_chose_no_language(
    catalog: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert ENGLISH in await _entries(sessions, "en", None)


async def test_the_persons_own_choice_comes_before_the_deployments(
    catalog: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    entry = await _entries(sessions, "en", "he")
    assert ENGLISH not in entry and "פורום צפון".encode() in entry
