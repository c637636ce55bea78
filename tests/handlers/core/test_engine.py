"""How the engine routes what people send, whatever state they are in."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.commands import LanguageChoice
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.menu import MenuChoice
from handlers.features import FEATURES
from models.conversation import ConversationState
from models.db import create_engine, sessionmaker
from models.people import ChannelIdentity, Person
from tests.support import Chat


async def test_start_greets_in_hebrew_with_the_main_menu(chat: Chat) -> None:
    await chat.send("/start")
    assert "ברוכים הבאים" in chat.text
    assert "📅 אירועים קרובים" in chat.labels
    assert len(chat.labels) == 7


async def test_telegram_language_hint_is_used_until_a_choice_is_made(chat: Chat) -> None:
    await chat.send("/start", locale_hint="en-US")
    assert "welcome" in chat.text
    await chat.send("/language he", locale_hint="en-US")
    await chat.send("/menu", locale_hint="en-US")
    assert "תפריט ראשי" in chat.text


async def test_language_chosen_by_button_sticks(chat: Chat) -> None:
    await chat.send("/language")
    assert chat.labels == ["עברית", "English"]
    await chat.press("English")
    assert "in English" in chat.text
    await chat.send("/help")
    assert "/events" in chat.text and "upcoming events" in chat.text


async def test_typing_an_option_number_or_its_label_presses_that_button(chat: Chat) -> None:
    await chat.send("/language")
    await chat.send("2")
    assert "in English" in chat.text
    await chat.send("/language")
    await chat.send("‏עברית ")  # with the RTL mark a Hebrew keyboard adds
    assert "בעברית" in chat.text


async def test_a_number_outside_the_menu_is_not_understood(chat: Chat) -> None:
    await chat.send("/menu")
    await chat.send("9")
    assert "לא הבנו" in chat.text
    assert len(chat.labels) == 7


async def test_unknown_command_is_named_and_help_suggested(chat: Chat) -> None:
    await chat.send("/frobnicate now")
    assert "/frobnicate" in chat.text and "/help" in chat.text


async def test_commands_addressed_to_the_bot_in_a_group_still_work(chat: Chat) -> None:
    await chat.send("/help@hagshama_bot")
    assert "/menu" in chat.text


async def test_stale_and_forged_buttons_get_a_polite_answer(chat: Chat) -> None:
    await chat.press_payload("ev:999999:r")
    assert "כבר לא בתוקף" in chat.text
    await chat.press_payload("lang:xx")
    assert "כבר לא בתוקף" in chat.text
    await chat.press_payload(MenuChoice("admin").pack())
    assert "כבר לא בתוקף" in chat.text
    await chat.press_payload("💥" * 40)
    assert "כבר לא בתוקף" in chat.text


async def test_a_button_naming_a_number_beyond_any_id_is_stale(catalog: None, chat: Chat) -> None:
    for forged in ("evc:9223372036854775808", "evc:2147483648", "myr:-2147483649"):
        await chat.press_payload(forged)
        assert "כבר לא בתוקף" in chat.text, forged


async def test_photos_and_voice_notes_are_answered_not_dropped(chat: Chat) -> None:
    await chat.send_media("voice")
    assert "אפשר לכתוב לנו" in chat.text
    await chat.send_media("photo")
    assert "טקסט ובכפתורים" in chat.text


async def test_a_first_message_is_welcomed_with_the_menu(chat: Chat) -> None:
    await chat.send("מישהו פה?")
    assert "ברוכים הבאים" in chat.text and "לא הבנו" not in chat.text
    assert len(chat.labels) == 7


async def test_a_greeting_at_any_time_outside_a_flow_gets_the_welcome(chat: Chat) -> None:
    await chat.send("/menu")
    for greeting in ("שלום", "היי!", "Hello 👋", "בוקר טוב"):
        await chat.send(greeting)
        assert "ברוכים הבאים" in chat.text and "לא הבנו" not in chat.text
        assert len(chat.labels) == 7
    await chat.send("שלום, מה השעה?")
    assert "לא הבנו" in chat.text


async def test_a_five_thousand_character_message_gets_the_menu(chat: Chat) -> None:
    await chat.send("/menu")
    await chat.send("שלום " * 1000 + "🌱")
    assert "לא הבנו" in chat.text
    assert len(chat.labels) == 7


async def test_opt_out_keyword_overrides_a_flow_in_progress(chat: Chat) -> None:
    await chat.send("/language")
    await chat.send("STOP")
    assert "ההסרה בוצעה" in chat.text
    await chat.send("1")  # the language buttons are gone with the flow
    assert "לא הבנו" in chat.text


async def test_cancel_says_whether_anything_was_cancelled(chat: Chat) -> None:
    await chat.send("/cancel")
    assert "אין פעולה פתוחה" in chat.text


async def test_the_same_person_on_two_channels_addresses_is_two_conversations(
    engine: Engine,
) -> None:
    alice, bob = Chat(engine, "alice"), Chat(engine, "bob")
    await alice.send("/language en")
    await bob.send("/menu")
    assert "תפריט ראשי" in bob.text
    await alice.send("/menu")
    assert "Main menu" in alice.text


async def test_two_processes_answering_one_person_lose_no_update(
    engine: Engine, database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    other_pool = create_engine(database_url)  # a second process has its own connections
    other = Engine(sessionmaker(other_pool), EngineConfig(), clock=engine.clock, features=FEATURES)
    await Chat(engine, "busy").send("/start")
    presses = [
        Chat(engine if i % 2 else other, "busy").press_payload(
            LanguageChoice("en" if i % 3 else "he").pack()
        )
        for i in range(20)
    ]
    await asyncio.gather(*presses)
    await other_pool.dispose()
    async with sessions() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.address == "busy")
        )
        assert identity is not None
        state = await session.get(ConversationState, identity.id)
        people = (await session.scalars(select(Person))).all()
    assert state is not None and state.version == 21  # every message saved, none overwritten
    assert len(people) == 1
