"""A poster's caption also gives the public page to share in groups, where the site has an
address; without PUBLIC_BASE_URL it says nothing about one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.people import Channel
from tests.conftest import NATIONAL_ID
from tests.support import Chat, Clock

SITE = "https://kibbutz.example"


def _coordinator(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, site: str | None
) -> Chat:
    config = EngineConfig(
        admin_addresses=frozenset({NATIONAL_ID}), bot_username="HagshamaBot", public_base_url=site
    )
    return Chat(
        Engine(sessions, config, clock=clock, features=FEATURES),
        address=NATIONAL_ID,
        channel=Channel.TELEGRAM,
    )


async def test_event_and_topic_posters_name_their_public_pages(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    coordinator = _coordinator(sessions, clock, SITE)
    await coordinator.send("/qr")
    await coordinator.press("אירוע")
    await coordinator.press("פורום צפון")
    assert f"דף לשיתוף בקבוצות: {SITE}/e/forum-north-january" in coordinator.text
    await coordinator.send("/language en")
    await coordinator.send("/qr")
    await coordinator.press("topic")
    await coordinator.press("Cooperative Circle Bulletin")
    assert f"A page to share in groups: {SITE}/en/b/coop-bulletin/" in coordinator.text


async def test_without_a_site_address_the_poster_names_no_page(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    coordinator = _coordinator(sessions, clock, None)
    await coordinator.send("/qr")
    await coordinator.press("אירוע")
    await coordinator.press("פורום צפון")
    assert "t.me/HagshamaBot" in coordinator.text and "דף לשיתוף" not in coordinator.text
