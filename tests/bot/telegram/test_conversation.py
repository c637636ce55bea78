"""A person talks to the real bot over HTTP, by long polling and by webhook alike."""

from __future__ import annotations

import html

from tests.bot.telegram.conftest import RunningBot

NOA = 5001


async def test_start_greets_in_hebrew_with_the_menu_and_sets_the_command_menus(
    running: RunningBot,
) -> None:
    standin = running.standin
    [welcome] = await running.say(NOA, standin.message(NOA, "/start"))
    assert "ברוכים הבאים" in welcome.params["text"]
    assert welcome.params["parse_mode"] == "HTML"
    assert "📅 אירועים קרובים" in welcome.buttons
    menus = {
        c.params.get("language_code"): c.params["commands"] for c in standin.of("setMyCommands")
    }
    assert set(menus) == {"he", "en", None}
    english = {c["command"]: c["description"] for c in menus["en"]}
    assert (
        english["events"] == "Upcoming events" and english["cancel"] == "Cancel what you're doing"
    )
    assert {c["command"]: c["description"] for c in menus[None]} == {
        c["command"]: c["description"] for c in menus["he"]
    }


async def test_menu_buttons_answer_the_query_and_switch_language(running: RunningBot) -> None:
    standin = running.standin
    await running.say(NOA, standin.message(NOA, "/start"))
    [choose] = await running.say(NOA, standin.press(NOA, "שפה"))
    assert "Which language?" in choose.params["text"]
    [changed] = await running.say(NOA, standin.press(NOA, "English"))
    assert "From now on we'll talk in English" in changed.params["text"]
    assert "📅 Upcoming events" in changed.buttons
    assert len(standin.of("answerCallbackQuery")) == 2
    [menu] = await running.say(NOA, standin.message(NOA, "/menu"))
    assert menu.params["text"].startswith("Main menu")


async def test_html_in_what_people_type_is_shown_as_typed(running: RunningBot) -> None:
    standin = running.standin
    [answer] = await running.say(NOA, standin.message(NOA, "/nosuch<b>&"))
    assert "/nosuch&lt;b&gt;&amp;" in answer.params["text"]
    assert "/nosuch<b>&" in html.unescape(answer.params["text"])


async def test_registering_for_an_event_from_list_to_calendar_file(running: RunningBot) -> None:
    standin = running.standin
    standin.user_language = "en"
    [events] = await running.say(NOA, standin.message(NOA, "/events"))
    assert events.params["text"].startswith("Upcoming events")
    [card] = await running.say(NOA, standin.press(NOA, "Northern forum"))
    assert "40 seats left" in card.params["text"]
    await running.say(NOA, standin.press(NOA, "Register"))
    [ask_phone] = await running.say(NOA, standin.message(NOA, "Dana Levi"))
    keyboard = ask_phone.params["reply_markup"]["keyboard"]
    assert keyboard == [[{"text": "📱 Share my phone number", "request_contact": True}]]
    await running.say(NOA, standin.contact(NOA, "972527654321"))
    [confirm] = await running.say(NOA, standin.message(NOA, "Kibbutz Sa'ad"))
    assert "+972527654321" in confirm.params["text"] and "Dana Levi" in confirm.params["text"]
    [done] = await running.say(NOA, standin.press(NOA, "Yes, register me"))
    assert "You're registered for Northern forum" in done.params["text"]
    [ics] = await standin.wait_for(lambda: standin.sent(NOA, "sendDocument"))
    assert ics.params["document"]["filename"].endswith(".ics")
    assert b"BEGIN:VEVENT" in ics.params["document"]["data"]
    assert len(standin.of("answerCallbackQuery")) == 3
