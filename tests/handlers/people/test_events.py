"""Browsing upcoming events: filters by region, kind and track; pages; the card."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.regions import add_jerusalem
from tests.support import Chat


async def test_the_menu_item_opens_the_list_with_filters(catalog: None, chat: Chat) -> None:
    await chat.send("/menu")
    await chat.press("אירועים קרובים")
    assert "אירועים קרובים (23)" in chat.text
    assert chat.labels[0].startswith('ערב פתוח: מסלול הנח"ל') and "15.12" in chat.labels[0]
    assert {"📍 אזור", "🏷️ סוג", "🧭 מסלול", "עוד ⬅️"} <= set(chat.labels)
    await chat.press("עוד ⬅️")
    assert not any("ערב פתוח: מסלול הנח" in label for label in chat.labels)


async def test_filters_combine_and_clear(catalog: None, chat: Chat) -> None:
    await chat.send("/language en")
    await chat.send("/events")
    await chat.press("Region")
    assert chat.labels == ["Center", "National", "North", "South"]
    await chat.press("North")
    assert "Upcoming events (6)" in chat.text
    await chat.press("Kind")
    await chat.press("Regional forum")
    assert "Upcoming events (2)" in chat.text and "Northern forum" in chat.labels[0]
    await chat.press("Clear filters")
    assert "Upcoming events (23)" in chat.text


async def test_national_events_and_track_filter(catalog: None, chat: Chat) -> None:
    await chat.send("/events")
    await chat.press("אזור")
    await chat.press("ארצי")
    assert all("פורום" not in label for label in chat.labels)
    await chat.press("ניקוי")
    await chat.press("🧭 מסלול")
    await chat.press(chat.labels[0])
    assert "אירועים קרובים (1)" in chat.text  # the first track, Nahal: its open evening
    assert chat.labels[0].startswith('ערב פתוח: מסלול הנח"ל הקיבוצי')


async def test_card_shows_hebrew_date_place_and_seats(catalog: None, chat: Chat) -> None:
    await chat.send("/start ev_study-day-participatory-management")
    assert "יום שלישי, 12 בינואר 2027, 09:30–15:30" in chat.text
    assert "בית התנועה הקיבוצית, תל אביב" in chat.text and "נשארו 220 מקומות" in chat.text
    await chat.send("/language en")
    await chat.send("/start ev_study-day-participatory-management")
    assert "Tuesday, 12 January 2027, 09:30–15:30" in chat.text and "220 seats left" in chat.text


async def test_typing_in_the_list_is_not_understood_but_harmless(catalog: None, chat: Chat) -> None:
    await chat.send("/events")
    await chat.send("x" * 5000)
    assert "לא הבנו" in chat.text
    await chat.send("2")  # the main menu it offered instead: its second item is the events
    assert "אירועים קרובים (23)" in chat.text


async def test_list_navigation_keeps_its_numbers_on_every_page(catalog: None, chat: Chat) -> None:
    await chat.says("/events", "עמוד 1 מתוך 4", "7. ➡️ הקודמים", "8. עוד ⬅️", "9. ")
    first_filter = chat.labels[8]
    await chat.says("8", "עמוד 2 מתוך 4", "7. ➡️ הקודמים", "8. עוד ⬅️", f"9. {first_filter}")
    await chat.says("8", "עמוד 3 מתוך 4", "7. ➡️ הקודמים", "8. עוד ⬅️", f"9. {first_filter}")
    assert len(chat.labels) == 11
    await chat.says("7", "עמוד 2 מתוך 4")


async def test_a_region_the_catalogue_adds_is_offered_by_its_questionnaire_label(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_jerusalem(sessions)
    await chat.send("/events")
    await chat.press("אזור")
    assert "ירושלים" in chat.labels
    await chat.send("/language en")
    await chat.send("/events")
    await chat.press("Region")
    assert chat.labels == ["Center", "Jerusalem", "National", "North", "South"]
    await chat.press("Jerusalem")
    assert "Upcoming events (1)" in chat.text and "Jerusalem forum" in chat.labels[0]
