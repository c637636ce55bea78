"""Switching language: the flow in progress goes on, asked again in the new language; a card
reached from a poster's link offers the other language."""

from __future__ import annotations

import pytest

from tests.support import Chat

pytestmark = pytest.mark.usefixtures("catalog")


async def test_switching_language_mid_registration_keeps_the_registration(chat: Chat) -> None:
    await chat.says("/start ev_forum-north-january", "להרשמה", "🌐 English")
    await chat.says("להרשמה", "מה השם המלא שלכם?")
    await chat.says(
        "/language en", "we'll talk in English", "What is your full name?", absent=("Main menu",)
    )
    await chat.says("Noa Cohen", "What is your mobile number?")
    await chat.says("/language he", "נדבר בעברית", "מה מספר הנייד?")
    await chat.says("050-123 4567", "באיזה קיבוץ או עיר")


async def test_a_card_opened_from_a_hebrew_poster_switches_to_english_and_back(
    chat: Chat,
) -> None:
    await chat.says("/start ev_forum-north-january", "📅 פורום", "🌐 English")
    await chat.says("English", "📅", "✅ Register", "🌐 עברית", absent=("להרשמה",))
    await chat.says("/menu", "Main menu")
    await chat.says("/start ev_forum-north-january", "🌐 עברית", absent=("🌐 English",))
    await chat.says("עברית", "✅ להרשמה", "🌐 English")


async def test_a_topic_link_offers_the_other_language_for_its_consent_question(
    chat: Chat,
) -> None:
    await chat.says("/start tp_coop-bulletin", "🌐 English")
    await chat.says(
        "English", "we'll talk in English", "Cooperative Circle", absent=("🌐 English",)
    )


async def test_the_questionnaire_is_asked_again_in_the_new_language(chat: Chat) -> None:
    await chat.says("/tracks", "שאלה 1 מתוך 6")
    await chat.says("אחר", "שאלה 2 מתוך 6")
    await chat.says("/language en", "Question 2 of 6", "Recently discharged")
    await chat.says("Recently discharged", "Question 3 of 6")


async def test_a_coordinator_switching_language_mid_bulletin_is_asked_again(national: Chat) -> None:
    await national.says("/bulletin", "לאיזה נושא")
    await national.says("עלון המעגל השיתופי", "הגיליון הבא של עלון המעגל השיתופי")
    await national.says("/language en", "The Cooperative Circle Bulletin", absent=("Main menu",))
    await national.says("/checkin", "check-in code")
    await national.says("/language he", "קוד הצ'ק־אין")
