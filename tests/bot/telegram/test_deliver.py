"""How replies look on Telegram: long texts, keyboards, edits in place, files and pictures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Bot, Message

from bot.telegram.deliver import deliver
from bot.telegram.render import MAX_TEXT, split_text
from handlers.core.types import Attachment, Button, Reply
from tests.bot.telegram.standin import TOKEN, StandIn

CHAT = 7001


@pytest_asyncio.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.base_url) as bot:
        yield bot


def pressed(standin: StandIn, bot: Bot, message_id: int | None) -> Message:
    assert message_id is not None
    shown = Message.de_json(standin.messages[CHAT, message_id], bot)
    assert shown is not None
    return shown


def test_long_texts_break_at_lines_and_count_emoji_twice() -> None:
    lines = [f"{n:04d} 🎉 " + "א" * 80 for n in range(120)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) == 3
    assert all(len(p.encode("utf-16-le")) // 2 <= MAX_TEXT for p in pieces)
    assert "\n".join(pieces) == "\n".join(lines)
    assert split_text("x" * 9000) == ["x" * MAX_TEXT, "x" * MAX_TEXT, "x" * 808]


async def test_a_5000_character_reply_arrives_in_two_messages_with_buttons_on_the_last(
    standin: StandIn, bot: Bot
) -> None:
    reply = Reply("שלום " * 1000, buttons=[[Button("תפריט", "m:menu")]])
    await deliver(bot, CHAT, [reply], "he")
    first, second = standin.sent(CHAT)
    assert first.params.get("reply_markup") is None
    assert second.buttons == {"תפריט": "m:menu"}
    assert (first.params["text"] + " " + second.params["text"]).split() == reply.text.split()


async def test_an_edit_replaces_the_pressed_message_and_a_same_text_edit_only_its_buttons(
    standin: StandIn, bot: Bot
) -> None:
    sent = await deliver(bot, CHAT, [Reply("Question 1?", buttons=[[Button("Yes", "q:1")]])], "en")
    message = pressed(standin, bot, sent)
    await deliver(
        bot, CHAT, [Reply("Question 2?", [[Button("No", "q:2")]], edit=True)], "en", message
    )
    [edit] = standin.of("editMessageText")
    assert edit.params["text"] == "Question 2?" and edit.buttons == {"No": "q:2"}
    assert len(standin.sent(CHAT)) == 1
    message = pressed(standin, bot, sent)
    await deliver(
        bot, CHAT, [Reply("Question 2?", [[Button("Si", "q:3")]], edit=True)], "en", message
    )
    [markup] = standin.of("editMessageReplyMarkup")
    assert markup.buttons == {"Si": "q:3"}


async def test_an_edit_with_a_file_is_sent_as_new_messages(standin: StandIn, bot: Bot) -> None:
    sent = await deliver(bot, CHAT, [Reply("Pick", buttons=[[Button("One", "x:1")]])], "en")
    ics = Attachment("event.ics", "text/calendar", b"BEGIN:VCALENDAR")
    reply = Reply("Here it is", attachments=[ics], edit=True)
    await deliver(bot, CHAT, [reply], "en", pressed(standin, bot, sent))
    assert not standin.of("editMessageText")
    assert [c.method for c in standin.calls if c.chat_id == CHAT][-2:] == [
        "sendMessage",
        "sendDocument",
    ]


async def test_pictures_go_as_photos_and_other_files_as_documents(
    standin: StandIn, bot: Bot
) -> None:
    qr = Attachment("checkin.png", "image/png", b"\x89PNG fake")
    export = Attachment("my-data.json", "application/json", b"{}")
    await deliver(bot, CHAT, [Reply("Your data", attachments=[qr, export])], "en")
    [photo] = standin.sent(CHAT, "sendPhoto")
    [document] = standin.sent(CHAT, "sendDocument")
    assert photo.params["photo"]["data"] == b"\x89PNG fake"
    assert document.params["document"]["filename"] == "my-data.json"


async def test_share_my_phone_is_a_one_time_keyboard_in_the_persons_language(
    standin: StandIn, bot: Bot
) -> None:
    await deliver(bot, CHAT, [Reply("מה המספר?", request_contact=True)], "he")
    [ask] = standin.sent(CHAT)
    markup = ask.params["reply_markup"]
    assert markup["keyboard"] == [[{"text": "📱 שיתוף מספר הטלפון שלי", "request_contact": True}]]
    assert markup["one_time_keyboard"] is True


async def test_buttons_and_share_my_phone_together_take_two_messages(
    standin: StandIn, bot: Bot
) -> None:
    reply = Reply("Your phone?", buttons=[[Button("Skip", "s:1")]], request_contact=True)
    await deliver(bot, CHAT, [reply], "en")
    ask, hint = standin.sent(CHAT)
    assert ask.buttons == {"Skip": "s:1"}
    assert "button below" in hint.params["text"] and "keyboard" in hint.params["reply_markup"]
