"""A coordinator on Telegram sends a broadcast's photo as any photo is sent: the bot downloads
it from Telegram (getFile), refuses a voice note, a PDF or a photo too large with a clear
answer, and previews the broadcast as photos with their captions, uploaded once."""

from __future__ import annotations

from models.people import person_at
from models.roles import RoleScope, grant
from tests.bot.telegram.conftest import RunningBot
from tests.support import picture

BOSS = 9001
MB = 1024 * 1024


async def test_a_photo_sent_while_composing_is_downloaded_checked_and_previewed(
    running: RunningBot,
) -> None:
    standin = running.standin
    await running.say(BOSS, standin.message(BOSS, "/start"))
    async with running.app.sessions() as session, session.begin():
        await grant(session, await person_at(session, telegram_id=str(BOSS)), RoleScope.NATIONAL)
    await running.say(BOSS, standin.message(BOSS, "/broadcast"))
    voice, _ = await running.say(BOSS, standin.voice(BOSS), count=2)
    assert "הקלטה" in voice.params["text"]
    pdf = standin.document(BOSS, b"%PDF-1.7", "plan.pdf", "application/pdf")
    refused, _ = await running.say(BOSS, pdf, count=2)
    assert "(PDF)" in refused.params["text"]
    huge = standin.document(BOSS, b"\xff\xd8\xff" + bytes(30 * MB), "big.jpg", "image/jpeg")
    large, _ = await running.say(BOSS, huge, count=2)
    assert "30 MB" in large.params["text"] and "5 MB" in large.params["text"]
    assert not standin.of("getFile")  # refused by the size Telegram states, never downloaded

    photo = picture(900, 600)
    [english] = await running.say(BOSS, standin.photo(BOSS, photo, caption="מפגש גזברים בסאסא"))
    assert "נוסח באנגלית" in english.params["text"] and len(standin.of("getFile")) == 1
    await running.say(BOSS, standin.press(BOSS, "בלי נוסח באנגלית"))
    await running.say(BOSS, standin.press(BOSS, "בלי קישור"))
    await running.say(BOSS, standin.press(BOSS, "לכל המנויים"))
    await standin.wait_for(lambda: len(standin.of("sendPhoto")) == 2)
    hebrew, english_sample = standin.of("sendPhoto")
    assert hebrew.params["photo"]["data"] == photo  # uploaded once…
    assert standin.files[english_sample.params["photo"]][1] == photo  # …then sent by its file id
    assert "מפגש גזברים בסאסא" in hebrew.params["caption"]
    assert "🖼 החלפת התמונה או הסרתה" in english_sample.buttons
