"""The track-discovery questionnaire, driven through the engine as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.people.discovery import DiscoveryAnswer
from models.catalog import Question
from models.catalog_import import import_catalog
from models.people import Person
from tests.support import OFFERS, Chat

pytestmark = pytest.mark.usefixtures("catalog")

STALE = "כבר לא בתוקף"


async def profile(sessions: async_sessionmaker[AsyncSession]) -> Person:
    async with sessions() as session:
        person = await session.scalar(select(Person))
        assert person is not None
        return person


async def test_answers_in_hebrew_lead_to_three_tracks_with_reasons(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/tracks")
    assert "שאלה 1 מתוך 6" in chat.text
    assert "מאיזה מסלול" in chat.text
    await chat.press("שנת שירות")
    await chat.press("אחרי השחרור")
    await chat.press("22–25")
    await chat.press("צפון")
    await chat.press("בקיבוץ")
    assert "אפשר לבחור כמה" in chat.text
    await chat.press("חיי קהילה")
    await chat.press("מנהיגות")
    await chat.press("סיימתי")
    assert "אלה המסלולים שהכי מתאימים לכם" in chat.text
    assert "מתאים כי: שנת שירות, אחרי השחרור, 22–25, מנהיגות" in chat.text
    assert chat.labels[:3] == [
        "הכשרה רעיונית במדרשה באורנים עם החלוץ",
        "קליטת צעירים בקיבוצים השיתופיים",
        "תוכניות משתחררים וקהילות צעירות בהקמה",
    ]
    person = await profile(sessions)
    assert person.profile() == {
        "region": "north",
        "background": "service_year",
        "life_stage": "discharged",
        "age_band": "22-25",
        "settlement": "rural",
        "interests": ["community", "leadership"],
    }


async def test_skipped_questions_do_not_count_and_reasons_are_in_english(chat: Chat) -> None:
    await chat.send("/language en")
    await chat.send("/tracks")
    for _ in range(3):
        await chat.press("Skip")
    await chat.press("Abroad")
    await chat.press("Skip")
    await chat.press("Agriculture")
    await chat.press("Done")
    assert "These are the tracks that suit you best" in chat.text
    assert "1. Garin Tzabar" in chat.text
    assert "Matches: Abroad, Agriculture" in chat.text
    assert "Start over" in chat.labels[-1]


async def test_typed_numbers_answer_and_typed_text_is_re_asked_losing_nothing(
    chat: Chat,
) -> None:
    await chat.send("/tracks")
    await chat.send("3")  # Nahal
    assert "שאלה 2 מתוך 6" in chat.text
    for junk in ("כן בטח", "🙂" * 10, "x" * 5000, "\u200fשלום\u200f"):
        await chat.send(junk)
        assert "יש לבחור אחת מהאפשרויות" in chat.text
        assert "שאלה 2 מתוך 6" in chat.text
    await chat.send("/tracks")
    assert 'מה שסיפרתם לנו קודם: נח"ל' in chat.text


async def test_ticked_interests_survive_free_text_and_untick_on_a_second_press(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/tracks")
    for _ in range(5):
        await chat.press("לדלג")
    await chat.press("חינוך")
    await chat.press("חקלאות")
    await chat.press("חינוך")
    await chat.send("גם וגם")
    assert "✅ חקלאות" in chat.labels
    assert "▫️ חינוך" in chat.labels
    await chat.press("סיימתי")
    assert (await profile(sessions)).interests == ["agriculture"]


async def test_done_with_nothing_ticked_is_a_skip(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/tracks")
    for _ in range(5):
        await chat.press("לדלג")
    await chat.press("סיימתי")
    assert "לא מצאנו התאמה מדויקת" in chat.text
    assert len(chat.labels) == 12  # all eleven tracks, then "start over"
    assert (await profile(sessions)).interests == []


async def test_a_second_round_offers_to_keep_each_known_answer(chat: Chat) -> None:
    await chat.send("/tracks")
    await chat.press("גרעין צבר")
    await chat.send("/menu")
    await chat.press("גילוי מסלולי הגשמה")
    assert "מה שסיפרתם לנו קודם: גרעין צבר" in chat.text
    await chat.press("להשאיר את התשובה הקודמת")
    assert "שאלה 2 מתוך 6" in chat.text
    assert "להשאיר" not in " ".join(chat.labels)  # nothing known about the life stage yet
    for _ in range(4):
        await chat.press("לדלג")
    await chat.press("סיימתי")
    assert "מתאים כי: גרעין צבר" in chat.text


async def test_back_and_start_over(chat: Chat) -> None:
    await chat.send("/tracks")
    assert not any("חזרה" in label for label in chat.labels)
    await chat.press("מכינה")
    await chat.press("לפני הגיוס")
    assert "שאלה 3 מתוך 6" in chat.text
    await chat.press("חזרה")
    assert "שאלה 2 מתוך 6" in chat.text
    assert "מה שסיפרתם לנו קודם: לפני הגיוס" in chat.text
    await chat.press("חזרה")
    assert "שאלה 1 מתוך 6" in chat.text
    await chat.press("שנת שירות")
    await chat.press("להתחיל מחדש")
    assert "שאלה 1 מתוך 6" in chat.text
    assert "מה שסיפרתם לנו קודם: שנת שירות" in chat.text


async def test_a_double_tap_on_an_answer_is_stale_and_the_question_stays(chat: Chat) -> None:
    await chat.send("/tracks")
    first = chat.button('נח"ל').payload
    await chat.press_payload(first)
    await chat.press_payload(first)
    assert STALE in chat.text
    await chat.send("/tracks")
    await chat.press("להשאיר")
    assert "שאלה 2 מתוך 6" in chat.text


async def test_buttons_of_a_re_imported_questionnaire_are_stale(
    chat: Chat, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await chat.send("/tracks")
    nahal = chat.button('נח"ל').payload
    service_year = chat.button("שנת שירות").payload
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "questions:\n"
        "  - slug: background\n"
        "    field: background\n"
        "    prompt: {he: 'רקע?', en: 'Background?'}\n"
        "    options:\n"
        "      - {value: service_year, label: {he: שנת שירות, en: Service year}}\n",
        encoding="utf-8",
    )
    async with sessions() as session, session.begin():
        await import_catalog(session, catalogue, OFFERS)
    await chat.press_payload(nahal)
    assert STALE in chat.text
    await chat.press_payload(service_year)
    assert "שאלה 2 מתוך 6" in chat.text
    async with sessions() as session, session.begin():
        await session.execute(delete(Question).where(Question.slug == "life_stage"))
    await chat.press("לדלג")
    assert STALE in chat.text
    await chat.send("משהו")
    assert "שאלה 1 מתוך 5" in chat.text and "רקע?" in chat.text


async def test_typing_after_the_question_vanished_starts_over(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/tracks")
    async with sessions() as session, session.begin():
        await session.execute(delete(Question).where(Question.slug == "background"))
    await chat.send("שלום")
    assert "שאלה 1 מתוך 5" in chat.text
    assert "באיזה שלב" in chat.text


async def test_forged_answers_are_stale(chat: Chat) -> None:
    await chat.send("/tracks")
    await chat.press_payload(DiscoveryAnswer(999, "nahal").pack())
    assert STALE in chat.text
    await chat.press_payload("da:notanumber:x")
    assert STALE in chat.text


async def test_tracks_are_never_offered_to_people_they_are_not_for(chat: Chat) -> None:
    await chat.says("/tracks", "שאלה 1 מתוך 6")
    await chat.says("אחר", "באיזה שלב")
    await chat.says("אחרי השחרור", "טווח הגיל")
    await chat.says("22–25", "באיזה אזור")
    await chat.says("צפון", "איפה מתאים יותר")
    await chat.says("בקיבוץ", "מה מעניין")
    await chat.says("חיי קהילה", "✅ חיי קהילה")
    await chat.says(
        "סיימתי",
        "קליטת צעירים בקיבוצים השיתופיים",
        absent=("הנח״ל", 'הנח"ל', "שנת שירות", "המכינות"),
    )


async def test_a_skipped_answer_does_not_bring_back_a_pre_army_track(chat: Chat) -> None:
    await chat.says("/tracks", "שאלה 1 מתוך 6")
    await chat.says("שנת שירות", "באיזה שלב")
    await chat.says("אחרי השחרור", "טווח הגיל")
    await chat.says("22–25", "באיזה אזור")
    await chat.says("לדלג", "איפה מתאים יותר")
    await chat.says("לדלג", "מה מעניין")
    await chat.says("חינוך", "✅ חינוך")
    await chat.says("סיימתי", "המסלולים", absent=("1. שנת שירות", "המכינות", 'הנח"ל'))


async def test_reasons_also_say_what_did_not_fit(chat: Chat) -> None:
    await chat.send("/language en")
    await chat.says("/tracks", "Question 1 of 6")
    await chat.says("Other", "stage of life")
    await chat.says("Working", "age range")
    await chat.says("Over 30", "region")
    await chat.says("North", "live and be active")
    await chat.says("In a city", "interests you")
    await chat.says("Leadership", "✅ Leadership")
    await chat.says("Done", "Cooperative young leadership course", "✗ Fits less: In a city")


async def test_skip_keeps_its_number_when_a_previous_answer_can_be_kept(chat: Chat) -> None:
    await chat.says("/tracks", "שאלה 1 מתוך 6", "6. ⏭️ לדלג", absent=("להשאיר",))
    await chat.says("6", "שאלה 2 מתוך 6")
    await chat.says("שני", "שאלה 2 מתוך 6")  # a single word that starts no option
    await chat.says("אחרי השחרור", "שאלה 3 מתוך 6")
    await chat.says("/tracks", "שאלה 1 מתוך 6", "6. ⏭️ לדלג")
    await chat.says("6", "שאלה 2 מתוך 6", "6. ⏭️ לדלג", "9. 👍 להשאיר את התשובה הקודמת")
    await chat.says("6", "שאלה 3 מתוך 6")
