"""A broadcast's photo reaches every reader on Telegram: uploaded once, then sent by the file id
Telegram gave it; with the text as its caption when that fits (1,024 characters), else the
photo first and the text after it; by a dispatcher that only has the queued rows to go by."""

from __future__ import annotations

from sqlalchemy import select

from models.catalog import Topic
from models.people import Channel
from models.subscriptions import subscribe
from scheduler.broadcasts import run_broadcasts
from tests.bot.telegram.standin import StandIn
from tests.scheduler.delivery import dispatcher, standin
from tests.scheduler.support import CONFIG, QUIET, Sessions, someone
from tests.support import NOW, Chat, Clock, picture

__all__ = ["standin"]
LONG = "יום עיון במעגל השיתופי. " * 60
"""Some 1,400 characters: more than a photo's caption holds."""


async def test_every_reader_gets_the_photo_uploaded_once_with_the_text_in_their_language(
    catalog: None, national: Chat, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        for address, locale in (("5001", "he"), ("5002", "he"), ("5003", "en")):
            identity = await someone(session, address, locale)
            await subscribe(session, identity.person_id, topic.id, Channel.TELEGRAM, NOW)
    photo = picture(800, 600)
    await national.send("/broadcast")
    await national.send_file(photo, caption=LONG)
    await national.send("A study day of the cooperative circle")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    await national.press("לשלוח ל־3")
    async with sessions() as session, session.begin():
        await run_broadcasts(session, clock(), CONFIG, QUIET)
    # A dispatcher of its own, as a process started after the broadcast was planned would be.
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)

    photos = standin.of("sendPhoto")
    uploads = [call for call in photos if isinstance(call.params["photo"], dict)]
    assert len(photos) == 3 and len(uploads) == 1
    assert uploads[0].params["photo"]["data"] == photo
    reused = {call.params["photo"] for call in photos if call not in uploads}
    assert len(reused) == 1 and standin.files[reused.pop()][1] == photo

    for hebrew in (5001, 5002):
        [with_photo] = [call for call in photos if call.chat_id == hebrew]
        [text] = standin.sent(hebrew)
        assert "caption" not in with_photo.params  # too long: the text follows the photo
        assert "יום עיון במעגל השיתופי" in text.params["text"] and text.buttons
    [english] = [call for call in photos if call.chat_id == 5003]
    assert "A study day" in english.params["caption"] and english.buttons
    assert standin.sent(5003) == []  # one message: the photo and its caption
