"""/bulletin: a coordinator writes, previews, schedules or sends, and can cancel in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.bulletins import BulletinCancel, BulletinSend, BulletinTopic
from handlers.core.types import reply_from_payload
from models.audit import AuditEntry
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.people import Channel, mark_blocked
from models.subscriptions import subscribe
from scheduler.bulletins import publish_due_bulletins
from tests.scheduler.support import CONFIG, QUIET, outbox, someone
from tests.support import NOW, Chat

Sessions = async_sessionmaker[AsyncSession]
RLM = "\u200f"
HEBREW = f"{RLM}כנס גזברים בקיבוץ יגור\nנפגשים ביום שלישי הבא, הרשמה בבוט.{RLM}"
SIX_THIRTY_PM = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)
"""18:30 in Israel (winter time) on the day after NOW."""


async def _topic_id(sessions: Sessions, slug: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(Topic.id).where(Topic.slug == slug)) or 0)


async def _readers(sessions: Sessions, slug: str) -> None:
    """Two Hebrew readers and one English reader of the topic, and one who blocked the bot."""
    topic_id = await _topic_id(sessions, slug)
    async with sessions() as session, session.begin():
        for address, locale in (("7001", "he"), ("7002", "he"), ("7003", "en"), ("7004", "he")):
            reader = await someone(session, address, locale)
            await subscribe(session, reader.person_id, topic_id, "telegram", NOW)
        await mark_blocked(session, Channel.TELEGRAM, "7004")


async def _publish(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await publish_due_bulletins(session, now, CONFIG, QUIET)


async def _bulletins(sessions: Sessions) -> list[Bulletin]:
    async with sessions() as session:
        return list((await session.scalars(select(Bulletin).order_by(Bulletin.id))).all())


async def _compose(chat: Chat, topic: str, english: str | None = None) -> None:
    await chat.send("/bulletin")
    await chat.press(topic)
    await chat.send(HEBREW)
    if english is None:
        await chat.press("בלי אנגלית")
    else:
        await chat.send(english)


async def test_write_preview_schedule_and_the_scheduler_sends_it_on_time(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await _readers(sessions, "coop-bulletin")
    await _compose(national, "עלון המעגל השיתופי", "Treasurers' conference at Yagur\nNext Tuesday.")

    summary, hebrew, english, _ = (reply.text for reply in national.replies)  # then: what now?
    assert "3 מנויים" in summary
    assert hebrew.startswith("📰 עלון המעגל השיתופי\n\nכנס גזברים בקיבוץ יגור\n\nנפגשים")
    assert RLM not in hebrew
    assert "להסרה השיבו ״הסר״" in hebrew and "[ 🔕 הסרה מהרשימה ]" in hebrew
    assert "Treasurers' conference at Yagur" in english and "Reply STOP to unsubscribe" in english

    await national.press("לתזמן")
    await national.send("מחר בערב")
    assert "לא הצלחנו לקרוא את המועד" in national.text
    await national.send("31/02/2027 10:00")
    assert "בחודש 2 אין יום 31" in national.text
    await national.send("01/11/2026 10:00")
    assert "כבר עבר" in national.text
    await national.send(f"{RLM}24/11/2026 18:30")
    assert "יישלח ביום שלישי, 24 בנובמבר 2026, 18:30" in national.text

    (bulletin,) = await _bulletins(sessions)
    assert bulletin.status == BulletinStatus.SCHEDULED and bulletin.publish_at == SIX_THIRTY_PM
    assert await _publish(sessions, SIX_THIRTY_PM - timedelta(minutes=1)) == 0
    assert await _publish(sessions, SIX_THIRTY_PM) == 3

    sent = [reply_from_payload(row.payload) for row in await outbox(sessions, "bulletin")]
    texts = sorted(reply.text for reply in sent)
    assert [text == hebrew.rsplit("\n", 1)[0] for text in texts].count(True) == 2
    assert any(text.startswith("📰 The Cooperative Circle Bulletin") for text in texts)

    async with sessions() as session:
        actions = await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        assert list(actions) == ["bulletin.draft", "bulletin.schedule"]


async def test_send_now_goes_out_at_the_next_scheduler_run(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await _readers(sessions, "coop-bulletin")
    await national.send("/bulletin")
    await national.press("עלון המעגל השיתופי")
    await national.send("ערב פתוח בקיבוץ יגור ביום שלישי")
    await national.press("בלי אנגלית")
    _, _, english, _ = (reply.text for reply in national.replies)
    assert "ערב פתוח" in english and "Reply STOP to unsubscribe" in english  # Hebrew text

    await national.press("לשלוח עכשיו ל־3")
    assert "יוצא ל־3 מנויים" in national.text
    assert await _publish(sessions, NOW) == 3
    sent = [reply_from_payload(row.payload) for row in await outbox(sessions, "bulletin")]
    # A one-line bulletin is all headline: no empty body between it and the opt-out line.
    assert all("\n\n\n" not in reply.text for reply in sent)
    assert "ערב פתוח בקיבוץ יגור ביום שלישי\n\n—\nלהסרה" in sent[0].text


async def test_a_cancelled_bulletin_never_goes_out_and_cannot_be_cancelled_twice(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await _readers(sessions, "coop-bulletin")
    await _compose(national, "עלון המעגל השיתופי")
    await national.press("לתזמן")
    await national.send("24.11.26 18:30")
    await national.press("עלונים מתוזמנים")
    assert "כנס גזברים בקיבוץ יגור" in national.text
    cancel = national.button("ביטול").payload

    await national.press_payload(cancel)
    assert "בוטל ולא יישלח" in national.text
    await national.press_payload(cancel)
    assert "לא שיניתי דבר" in national.text
    await national.send("/bulletin")
    await national.press("עלונים מתוזמנים")
    assert "אין עלונים מתוזמנים" in national.text

    assert await _publish(sessions, SIX_THIRTY_PM + timedelta(hours=1)) == 0
    assert await outbox(sessions, "bulletin") == []


async def test_too_long_empty_and_media_messages_are_answered_and_the_draft_waits(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await national.send("/bulletin")
    await national.press("עלון המעגל השיתופי")
    await national.send("א" * 5000)
    assert "5000" in national.text and "3500" in national.text
    await national.send("🎉🎉🎉")
    assert "צריך טקסט עם מילים" in national.text
    await national.send_media("photo")
    assert "רק בטקסט" in national.text
    assert await _bulletins(sessions) == []

    await national.send(HEBREW)
    assert "אנגלית" in national.text
    await national.send("x" * 4000)
    assert "4000" in national.text
    await national.press("בלי אנגלית")
    assert "תצוגה מקדימה" in national.text
    (draft,) = await _bulletins(sessions)
    assert draft.status == BulletinStatus.DRAFT and "en" not in draft.content


async def test_stale_and_forged_buttons_change_nothing(
    national: Chat, sessions: Sessions, catalog: None
) -> None:
    await national.press_payload(BulletinTopic(99999).pack())
    assert "הכפתור הזה כבר לא בתוקף" in national.text
    await national.press_payload(BulletinSend(99999).pack())
    assert "לא שיניתי דבר" in national.text

    await _compose(national, "עלון המעגל השיתופי")
    send = national.button("לשלוח עכשיו").payload
    await national.press_payload(send)
    await national.press_payload(send)
    assert "לא שיניתי דבר" in national.text
    (bulletin,) = await _bulletins(sessions)
    assert bulletin.status == BulletinStatus.SCHEDULED and bulletin.publish_at == NOW


async def test_a_regional_coordinator_publishes_only_to_their_regions_topics(
    regional: Chat, national: Chat, sessions: Sessions, catalog: None
) -> None:
    await regional.send("/bulletin")
    assert regional.labels == ["חדשות אזור הצפון", "🗓️ עלונים מתוזמנים"]

    coop = await _topic_id(sessions, "coop-bulletin")
    await regional.press_payload(BulletinTopic(coop).pack())
    assert "לרכזים בלבד" in regional.text

    await _compose(national, "עלון המעגל השיתופי")
    (bulletin,) = await _bulletins(sessions)
    await regional.press_payload(BulletinCancel(bulletin.id).pack())
    assert "לרכזים בלבד" in regional.text
    await regional.press_payload(BulletinSend(bulletin.id).pack())
    assert "לרכזים בלבד" in regional.text
    (still,) = await _bulletins(sessions)
    assert still.status == BulletinStatus.DRAFT

    async with sessions() as session:
        refused = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))
        )
    assert [entry.action for entry in refused] == [
        "bulletin.compose",
        "bulletin.cancel",
        "bulletin.publish",
    ]
    assert {entry.details["reason"] for entry in refused} == {"scope"}
