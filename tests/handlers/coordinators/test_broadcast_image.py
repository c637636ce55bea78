"""A broadcast with one photo: sent with its caption while composing, refused with a clear
answer when it is no photo or too large, shown in the preview, replaced or removed after it,
kept by a broadcast sent later, and queued by its token rather than its bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.broadcast_flow import AudienceMenu, BroadcastStep, Drafting, Scheduling
from handlers.coordinators.broadcast_image import KEEP
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from handlers.features import FEATURES
from models.broadcasts import AudienceKind, Broadcast
from models.catalog import Topic
from models.conversation import ConversationState
from models.people import Channel, identify
from models.shared_files import SharedFile
from models.subscriptions import subscribe
from scheduler.broadcasts import run_broadcasts
from tests.scheduler.support import CONFIG, QUIET, outbox
from tests.support import NOW, Chat, Clock, picture

Sessions = async_sessionmaker[AsyncSession]
MB = 1024 * 1024


async def _reader(sessions: Sessions, address: str = "5001") -> None:
    async with sessions() as session, session.begin():
        identity = await identify(session, Channel.TELEGRAM, address, None, NOW)
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        await subscribe(session, identity.person_id, topic.id, Channel.TELEGRAM, NOW)


async def _latest(sessions: Sessions) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
        assert found is not None
        return found


async def test_a_photo_with_its_caption_is_previewed_and_queued_by_its_token(
    catalog: None, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await _reader(sessions)
    await national.send("/broadcast")
    assert "תמונה אחת" in national.text and "5 MB" in national.text
    photo = picture()
    await national.send_file(photo, caption="כנס גזברים בצפון")
    assert "נוסח באנגלית" in national.text  # the caption was the Hebrew text
    await national.send("Treasurers' meeting in the north")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    hebrew, english = national.replies[-2:]
    assert "כנס גזברים בצפון" in hebrew.text and hebrew.captioned
    assert "Treasurers' meeting" in english.text and english.captioned
    assert national.attachments == [("image/jpeg", len(photo))] * 2
    assert "🖼 החלפת התמונה או הסרתה" in national.labels

    await national.press("לשלוח ל־1")
    async with sessions() as session, session.begin():
        await run_broadcasts(session, clock(), CONFIG, QUIET)
    [copy] = await outbox(sessions, "broadcast")
    [image] = copy.payload["attachments"]
    assert copy.payload["captioned"] and image["mime"] == "image/jpeg"
    assert "data" not in image and len(json.dumps(copy.payload)) < 2000  # the token, not 5 MB
    async with sessions() as session:
        kept = await session.get(SharedFile, image["shared"])
        assert kept is not None and kept.data == photo


async def test_what_is_no_photo_or_too_large_gets_a_clear_answer_and_the_text_still_comes(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await national.send("/broadcast")
    await national.send_media("voice")
    assert "הקלטה" in national.text and "כתבו את ההודעה" in national.text
    await national.send_file(b"%PDF-1.7 ...", "plan.pdf", "application/pdf")
    assert "(PDF)" in national.text and "JPEG או PNG" in national.text
    await national.send_file(picture(), size=30 * MB)  # as the platform states it
    assert "30 MB" in national.text and "עד 5 MB" in national.text
    await national.send_file(b"x" * (6 * MB), "notes", None, unsized=True)
    assert "עד 5 MB" in national.text  # the size learnt only while fetching
    await national.send_file(b"not really a jpeg", "a.jpg")
    assert "זו לא תמונה" in national.text  # judged by the bytes, not the name
    await national.send_file(picture(4000, 150))
    assert "ארוכה וצרה מדי" in national.text
    async with sessions() as session:
        assert await session.scalar(select(SharedFile.token)) is None  # nothing kept
    await national.send_file(picture(kind="PNG"), mime="image/png")
    assert "התמונה תישלח עם ההודעה" in national.text and "כתבו את ההודעה" in national.text
    await national.send("מפגש שותפות")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    assert national.attachments[0][0] == "image/png"


async def test_the_photo_is_added_replaced_and_removed_after_the_preview(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _reader(sessions)
    await national.send("/broadcast")
    await national.send("יום עיון")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    assert national.attachments == [] and "נמענים: 1" in national.text
    await national.press("הוספת תמונה")
    assert "שלחו את התמונה" in national.text and "בלי תמונה" not in national.labels
    await national.says("יום שני", "שלחו תמונה")
    first = picture(200, 200)
    await national.send_file(first)
    assert national.attachments == [("image/jpeg", len(first))] * 2
    assert "נמענים: 1" in national.text  # the audience kept
    second = picture(640, 480)
    await national.press("החלפת התמונה או הסרתה")
    await national.send_file(b"%PDF", "plan.pdf", "application/pdf")
    assert "(PDF)" in national.text
    await national.send_file(second)
    assert national.attachments == [("image/jpeg", len(second))] * 2
    await national.press("החלפת התמונה או הסרתה")
    await national.press("בלי תמונה")
    assert national.attachments == [] and "🖼 הוספת תמונה" in national.labels
    assert (await _latest(sessions)).image is None


async def test_a_broadcast_sent_later_keeps_its_photo_until_its_copies_have_gone(
    catalog: None, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await _reader(sessions)
    await national.send("/broadcast")
    await national.send_file(picture(), caption="ההרשמה נסגרת בקרוב")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    await national.press("לשלוח במועד אחר")
    await national.says("1.6.2027 9:30", "תישלח ב־")
    send_at = datetime(2027, 6, 1, 6, 30, tzinfo=UTC)
    token = (await _latest(sessions)).image
    async with sessions() as session:
        kept = await session.get(SharedFile, token)
        assert kept is not None and kept.expires_at >= send_at + KEEP
    clock.now = send_at
    async with sessions() as session, session.begin():
        await run_broadcasts(session, clock(), CONFIG, QUIET)
    [copy] = await outbox(sessions, "broadcast")
    assert copy.payload["attachments"][0]["shared"] == token


async def test_a_broadcast_flow_saved_before_typed_flows_carries_on(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _reader(sessions)
    await national.send("/broadcast")
    async with sessions() as session, session.begin():
        state = await session.scalar(select(ConversationState))
        assert state is not None
        # A row as the untyped version left it: keys by name, `editing` set to None.
        state.step = BroadcastStep.AUDIENCE.value
        state.data = {"text": "ישן", "text_en": None, "link": None, "editing": None, "menu": None}
    await national.press_payload(AudienceMenu(AudienceKind.TOPIC).pack())
    await national.press("עלון")
    assert "ישן" in national.text and "נמענים: 1" in national.text
    assert Drafting.load({"text": "ישן", "retired": 1}) == Drafting(text="ישן")
    assert Scheduling.load({"draft": 7}) == Scheduling(draft=7)


async def test_the_second_coordinator_sees_the_photo_they_are_asked_to_approve(
    catalog: None, sessions: Sessions, clock: Clock
) -> None:
    config = EngineConfig(
        admin_addresses=frozenset({"9001", "9003"}), broadcast_approval_threshold=0
    )
    engine = Engine(sessions, config, clock=clock, features=FEATURES)
    author = Chat(engine, address="9001", channel=Channel.TELEGRAM)
    second = Chat(engine, address="9003", channel=Channel.TELEGRAM)
    await second.send("/start")
    await _reader(sessions)
    photo = picture()
    await author.send("/broadcast")
    await author.send_file(photo, caption="כנס גזברים")
    await author.press("בלי נוסח באנגלית")
    await author.press("בלי קישור")
    await author.press("לכל המנויים")
    await author.press("לשלוח ל־1")
    [request] = await outbox(sessions, "broadcast_note")
    asked = reply_from_payload(request.payload)
    assert "כנס גזברים" in asked.text and [a.mime for a in asked.attachments] == ["image/jpeg"]
    await second.send("/admin")
    assert "ממתינה לאישורכם" in second.text and ("image/jpeg", len(photo)) in second.attachments
