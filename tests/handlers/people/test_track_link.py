"""`/start tr_<slug>`, the public track page's "I'm interested" link: the track's card, whose
first button leaves the lead; a retired or unknown track says so and offers the others."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Track
from models.registrations import Lead
from tests.support import Chat


async def test_the_link_opens_the_track_and_interest_leaves_one_lead(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.says("/start tr_nahal-kibbutz", 'מסלול הנח"ל הקיבוצי')
    await chat.press("מעניין")
    await chat.says("דנה", "מספר הנייד")
    await chat.says("050-7654321", "לספר משהו")
    await chat.press("לדלג")
    await chat.press("כן, שייצרו")
    async with sessions() as session:
        leads = (await session.scalars(select(Lead))).all()
        track = await session.scalar(select(Track).where(Track.slug == "nahal-kibbutz"))
    assert track is not None and [lead.track_id for lead in leads] == [track.id]


async def test_a_retired_or_unknown_track_is_named_not_found(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(Track).where(Track.slug == "mechinot").values(active=False))
    await chat.says("/start tr_mechinot", "המסלול שבקישור לא פתוח", absent=("המכינות הקדם",))
    await chat.says("/start tr_no-such-track", "המסלול שבקישור לא פתוח")
    await chat.press("מסלולים")
