"""A coordinator on WhatsApp sends a broadcast's photo as any photo is sent: the bot fetches it
from Twilio with the account's credentials, refuses what is no photo or too large, and the
readers get one media message, the text as its body, the photo from one address of ours."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Topic
from models.people import Channel, ChannelIdentity
from models.roles import RoleScope, grant
from models.subscriptions import subscribe
from scheduler.broadcasts import run_broadcasts
from scheduler.dispatcher import Dispatcher
from tests.bot.whatsapp.conftest import NOA, WhatsApp
from tests.scheduler.support import CONFIG, QUIET
from tests.support import Clock, picture

Sessions = async_sessionmaker[AsyncSession]
BOSS = "whatsapp:+972509999999"
MB = 1024 * 1024


async def _people(whatsapp: WhatsApp, sessions: Sessions) -> None:
    """Noa reads the cooperative circle's bulletin; the coordinator writes from another phone."""
    await whatsapp.say("/start", NOA)
    await whatsapp.say("/start", BOSS)
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        found = await session.scalars(select(ChannelIdentity).order_by(ChannelIdentity.id))
        noa, boss = found.all()
        assert topic is not None
        await subscribe(session, noa.person_id, topic.id, Channel.WHATSAPP, noa.created_at)
        await grant(session, boss.person, RoleScope.NATIONAL)


async def test_a_photo_sent_on_whatsapp_goes_with_the_broadcast_as_one_media_message(
    whatsapp: WhatsApp, sessions: Sessions, clock: Clock
) -> None:
    standin = whatsapp.standin
    await _people(whatsapp, sessions)
    await whatsapp.say("/broadcast", BOSS)
    voice, _ = await whatsapp.say("", BOSS, count=2, **standin.sent_media(b"OggS", "audio/ogg"))
    assert "הקלטה" in voice.body
    pdf = standin.sent_media(b"%PDF-1.7", "application/pdf")
    refused, asked = await whatsapp.say("", BOSS, count=2, **pdf)
    assert "(PDF)" in refused.body and "כתבו את ההודעה" in asked.body
    big = standin.sent_media(b"\xff\xd8\xff" + bytes(6 * MB), "image/jpeg")
    large, _ = await whatsapp.say("", BOSS, count=2, **big)
    assert "6 MB" in large.body and "5 MB" in large.body
    photo = picture(640, 480)
    await whatsapp.say("מפגש גזברים בסאסא", BOSS, **standin.sent_media(photo, "image/jpeg"))
    await whatsapp.say("בלי נוסח באנגלית", BOSS)
    await whatsapp.say("להמשיך בלי קישור", BOSS)
    preview = await whatsapp.say("לכל המנויים", BOSS, count=5)
    # The summary, then each language's sample: its text, then its photo.
    assert [len(sent.media) for sent in preview] == [0, 0, 1, 0, 1]
    assert all(f.data == photo for sent in preview for f in sent.media)

    await whatsapp.say("לשלוח ל־1", BOSS)
    async with sessions() as session, session.begin():
        await run_broadcasts(session, clock(), CONFIG, QUIET)
    sender = whatsapp.channel.sender
    await Dispatcher(sessions, [sender], clock=clock).run(until_idle=True)
    [copy] = [sent for sent in whatsapp.standin.to(NOA) if sent.media]
    assert "מפגש גזברים בסאסא" in copy.body and "״הסר״" in copy.body
    [served] = copy.media
    assert served.status == 200 and served.content_type == "image/jpeg" and served.data == photo
