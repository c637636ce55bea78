"""/stats: the numbers a coordinator may see, in words and as a chart."""

from __future__ import annotations

import io
import struct
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.people.waitlist import OfferNotices
from models.audit import AuditEntry
from models.catalog import Event, Topic, Track
from models.registration_service import cancel, register
from models.registrations import Lead
from models.subscriptions import subscribe
from tests.scheduler.support import someone
from tests.support import NOW, Chat

Sessions = async_sessionmaker[AsyncSession]


async def _seed(sessions: Sessions) -> None:
    """Three weeks of a movement's life across the regions."""
    async with sessions() as session, session.begin():

        async def event(slug: str) -> Event:
            found = await session.scalar(select(Event).where(Event.slug == slug))
            assert found is not None
            return found

        async def topic(slug: str) -> int:
            return int(await session.scalar(select(Topic.id).where(Topic.slug == slug)) or 0)

        async def track(slug: str) -> int:
            return int(await session.scalar(select(Track.id).where(Track.slug == slug)) or 0)

        people = []
        for number, region in enumerate(["north"] * 3 + ["south"] * 2 + ["center", None]):
            identity = await someone(session, f"50{number}")
            identity.person.region = region
            people.append(identity.person_id)
        north = await event("forum-north-january")
        two_weeks_ago = NOW - timedelta(days=14)
        await register(session, north, people[0], two_weeks_ago)
        await register(session, north, people[1], NOW)
        leaving = await register(session, north, people[2], NOW)
        await cancel(session, leaving.registration, NOW, OfferNotices(EngineConfig()))
        for person in people[3:5]:
            await register(session, await event("forum-south-january"), person, NOW)
        await register(session, await event("forum-center-january"), people[5], NOW)
        await register(session, await event("study-day-participatory-management"), people[6], NOW)

        for person in people[0:2]:
            await subscribe(session, person, await topic("region-north"), "telegram", NOW)
        await subscribe(session, people[3], await topic("region-south"), "telegram", NOW)
        for person in (people[0], people[3], people[5]):
            await subscribe(session, person, await topic("coop-bulletin"), "telegram", NOW)

        for person, slug in ((people[1], "kibbutz-absorption"), (people[4], "mechinot")):
            session.add(Lead(person_id=person, track_id=await track(slug), created_at=NOW))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_a_national_coordinator_sees_every_region_topic_and_track(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await _seed(sessions)
    await national.send("/language en")
    await national.send("/stats")

    text = national.text
    assert "Active event registrations: 6" in text
    for line in ("• North: 2", "• South: 2", "• Center: 1", "• No region: 1"):
        assert line in text
    assert "Subscribers to bulletins and updates: 4" in text
    assert "• The Cooperative Circle Bulletin: 3" in text
    assert "• North region news: 2" in text
    assert "Track leads: 2" in text
    assert "New registrations since Sunday: 6" in text

    (chart,) = national.replies[0].attachments
    assert chart.mime == "image/png" and chart.filename.endswith(".png")
    width, height = _png_size(chart.data)
    assert (width, height) == (800, 700)
    assert 10_000 < len(chart.data) < 500_000


async def test_a_regional_coordinator_sees_only_their_region(
    regional: Chat, sessions: Sessions, catalog: None
) -> None:
    await _seed(sessions)
    await regional.send("/stats")

    text = regional.text
    assert "הרשמות פעילות לאירועים: 2" in text
    assert "• צפון: 2" in text
    assert "דרום" not in text and "מרכז" not in text
    assert "מנויים על עלונים ועדכונים: 2" in text
    assert "עלון המעגל השיתופי" not in text
    assert "פניות למסלולים: 1" in text
    assert "הרשמות חדשות מתחילת השבוע: 2" in text
    assert regional.replies[0].attachments[0].data.startswith(b"\x89PNG")

    async with sessions() as session:
        (entry,) = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "stats.view")
        )
    assert entry.allowed and entry.details["regions"] == ["north"]


async def test_stats_on_an_empty_database_still_draw(national: Chat) -> None:
    await national.send("/stats")
    assert "הרשמות פעילות לאירועים: 0" in national.text
    data = national.replies[0].attachments[0].data
    assert _png_size(data) == (800, 700)
    assert io.BytesIO(data).read(4) == b"\x89PNG"
