"""A track's card: details and contact, leaving interest, its events, following its updates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.people.tracks import TrackInterest, TrackOpen
from models.catalog import Event, EventStatus, Topic, Track
from models.registrations import Lead
from models.subscriptions import ConsentAction, ConsentRecord, Subscription, SubscriptionStatus
from tests.support import Chat, Clock

pytestmark = pytest.mark.usefixtures("catalog")

STALE = "כבר לא בתוקף"


async def track_id(sessions: async_sessionmaker[AsyncSession], slug: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Track.id).where(Track.slug == slug))
        assert found is not None
        return found


async def open_card(chat: Chat, sessions: async_sessionmaker[AsyncSession], slug: str) -> None:
    await chat.press_payload(TrackOpen(await track_id(sessions, slug)).pack())


async def test_results_open_a_card_with_details_and_contact(chat: Chat) -> None:
    await chat.send("/tracks")
    await chat.press("גרעין צבר")
    for _ in range(4):
        await chat.press("לדלג")
    await chat.press("סיימתי")
    await chat.press("גרעין צבר")
    assert "🧭 גרעין צבר" in chat.text
    assert 'לצעירות ולצעירים מחו"ל' in chat.text
    assert "ליצירת קשר: hagshama@example.org.il" in chat.text
    assert chat.labels == [
        "🙋 מעניין אותי — שייצרו איתי קשר",
        "💬 שאלה לצוות",
        "📅 אירועים קרובים של המסלול",
        "🔔 לקבל עדכונים מהמסלול",
        "🧭 מסלולים אחרים",
    ]


async def test_interest_is_recorded_once_per_person_and_track(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    await open_card(chat, sessions, "mechinot")
    await chat.press("I'm interested")
    await chat.says("Dana Levi", "mobile number")
    await chat.says("050-7654321", "Anything to tell the team")
    await chat.press("Skip")
    assert "Dana Levi" in chat.text and "+972507654321" in chat.text
    await chat.press("Yes, contact me")
    assert "We noted your interest" in chat.text
    await chat.press("Back to")
    await chat.press("I'm interested")
    assert "We already have your interest" in chat.text
    other = Chat(chat.engine, address="person-2")
    await open_card(other, sessions, "mechinot")
    await other.press("מעניין אותי")
    await other.says("רון", "מספר")
    await other.says("052-1112233", "לספר משהו לצוות")
    await other.says("אפשר בערב", "📝 אפשר בערב")
    await other.press("כן, שייצרו")
    assert "רשמנו שהמסלול" in other.text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 2


async def test_upcoming_events_are_listed_with_date_and_link(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, sessions, "nahal-kibbutz")
    await chat.press("אירועים קרובים של המסלול")
    assert 'ערב פתוח: מסלול הנח"ל הקיבוצי' in chat.text
    assert "יום שלישי, 15 בדצמבר 2026, 18:30" in chat.text
    assert "/start ev_nahal-open-evening" in chat.text
    assert chat.labels == [
        "📅 אירועים קרובים",
        "🔔 לקבל עדכונים מהמסלול",
        '↩️ חזרה ל״מסלול הנח"ל הקיבוצי״',
    ]
    await chat.press("חזרה")
    assert '🧭 מסלול הנח"ל הקיבוצי' in chat.text


async def test_past_and_cancelled_events_are_not_listed(
    chat: Chat, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await chat.send("/language en")
    await open_card(chat, sessions, "urban-communities")
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "nahal-open-evening"))
        assert event is not None
        event.status = EventStatus.CANCELLED
    await chat.press("upcoming events")
    assert "Tuesday, 6 April 2027, 19:00" in chat.text
    clock.advance(days=200)
    await chat.press("Back to")
    await chat.press("upcoming events")
    assert "no upcoming events" in chat.text
    await open_card(chat, sessions, "nahal-kibbutz")
    await chat.press("upcoming events")
    assert "no upcoming events" in chat.text


async def test_following_a_track_asks_for_consent_then_subscribes(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, sessions, "service-year")
    await chat.press("לקבל עדכונים")
    assert "הצטרפות ל״עדכוני שנת השירות״" in chat.text
    assert "ניתנת הסכמה" in chat.text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
    await chat.press("מאשרים")
    assert "נרשמתם ל״עדכוני שנת השירות״" in chat.text
    service_year = await track_id(sessions, "service-year")
    async with sessions() as session:
        sub, topic = (await session.execute(select(Subscription, Topic).join(Topic))).one()
        assert (sub.status, topic.kind, topic.track_id) == (
            SubscriptionStatus.ACTIVE,
            "track",
            service_year,
        )
        consent = await session.scalar(select(ConsentRecord))
        assert consent is not None and consent.action == ConsentAction.GRANTED
    await open_card(chat, sessions, "service-year")
    await chat.press("לקבל עדכונים")
    assert "כבר נשלח אליכם" in chat.text


async def test_a_track_without_an_updates_topic_says_so(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "track-mechinot"))
        assert topic is not None
        topic.active = False
    await open_card(chat, sessions, "mechinot")
    await chat.press("לקבל עדכונים")
    assert "עדיין אין ערוץ עדכונים" in chat.text
    assert "🙋 מעניין אותי — שייצרו איתי קשר" in chat.labels


async def test_buttons_of_a_retired_or_unknown_track_are_stale(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, sessions, "horizon-academic")
    horizon = await track_id(sessions, "horizon-academic")
    async with sessions() as session, session.begin():
        track = await session.get(Track, horizon)
        assert track is not None
        track.active = False
    await chat.press("מעניין אותי")
    assert STALE in chat.text
    await chat.press_payload(TrackInterest(99999).pack())
    assert STALE in chat.text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 0


async def test_a_track_without_events_offers_the_updates_it_mentions(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, sessions, "army-accompaniment")
    await chat.says(
        "אירועים קרובים של המסלול", "אפשר לעקוב אחרי עדכוני המסלול", "2. 🔔 לקבל עדכונים"
    )
    await chat.says("2", "ניתנת הסכמה")
