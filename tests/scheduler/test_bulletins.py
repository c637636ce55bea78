"""Bulletins reach the topic's subscribers at their time, once each, always with a way out."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.types import reply_from_payload
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.outbox import OutboxStatus, Priority
from models.people import Channel, mark_blocked
from models.subscriptions import subscribe, unsubscribe
from scheduler.bulletins import publish_due_bulletins
from tests.scheduler.support import CONFIG, QUIET, Sessions, outbox, someone
from tests.support import NOW

ISRAEL = ZoneInfo("Asia/Jerusalem")


async def _topic(session: AsyncSession) -> Topic:
    topic = Topic(
        slug="coop",
        content={"he": {"title": "עלון המעגל השיתופי"}, "en": {"title": "Cooperative circle"}},
    )
    session.add(topic)
    await session.flush()
    return topic


async def _bulletin(session: AsyncSession, topic: Topic, publish_at: datetime) -> Bulletin:
    bulletin = Bulletin(
        topic_id=topic.id,
        content={
            "he": {"title": "כנס גזברים", "body": "נפגשים בחודש הבא."},
            "en": {"title": "Treasurers' conference", "body": "We meet next month."},
        },
        publish_at=publish_at,
        status=BulletinStatus.SCHEDULED,
    )
    session.add(bulletin)
    await session.flush()
    return bulletin


async def _publish(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await publish_due_bulletins(session, now, CONFIG, QUIET)


async def test_subscribers_get_it_once_in_their_language_and_nobody_else_does(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        topic = await _topic(session)
        hebrew = await someone(session, "2001", "he")
        english = await someone(session, "2002", "en")
        left = await someone(session, "2003")
        blocked = await someone(session, "2004")
        await someone(session, "2005")  # never subscribed
        for member in (hebrew, english, left, blocked):
            await subscribe(session, member.person_id, topic.id, "telegram", NOW)
        await unsubscribe(session, left.person_id, topic.id, "telegram", NOW)
        await mark_blocked(session, Channel.TELEGRAM, "2004")
        due = await _bulletin(session, topic, NOW - timedelta(minutes=5))
        later = await _bulletin(session, topic, NOW + timedelta(days=1))

    assert await _publish(sessions, NOW) == 2
    assert await _publish(sessions, NOW + timedelta(minutes=1)) == 0

    rows = await outbox(sessions, "bulletin")
    by_identity = {row.identity_id: reply_from_payload(row.payload) for row in rows}
    assert set(by_identity) == {hebrew.id, english.id}
    assert "כנס גזברים" in by_identity[hebrew.id].text
    assert "להסרה השיבו ״הסר״" in by_identity[hebrew.id].text
    assert "Treasurers' conference" in by_identity[english.id].text
    assert "Reply STOP to unsubscribe" in by_identity[english.id].text
    assert by_identity[english.id].options()[0].label == "🔕 Unsubscribe"
    assert {row.priority for row in rows} == {Priority.BULK}
    assert {row.dedupe_key for row in rows} == {
        f"bulletin:{due.id}:{hebrew.person_id}",
        f"bulletin:{due.id}:{english.person_id}",
    }
    async with sessions() as session:
        waiting = await session.get(Bulletin, later.id)
        assert waiting is not None and waiting.status == BulletinStatus.SCHEDULED


async def test_a_bulletin_due_on_friday_evening_waits_until_shabbat_ends(
    sessions: Sessions,
) -> None:
    friday_evening = datetime(2026, 11, 27, 20, 0, tzinfo=ISRAEL)
    async with sessions() as session, session.begin():
        topic = await _topic(session)
        reader = await someone(session, "2011")
        await subscribe(session, reader.person_id, topic.id, "telegram", NOW)
        await _bulletin(session, topic, friday_evening)

    await _publish(sessions, friday_evening)

    (row,) = await outbox(sessions, "bulletin")
    after = row.not_before.astimezone(ISRAEL)
    assert after.date() == datetime(2026, 11, 28).date()  # Saturday evening, at havdalah
    assert 17 <= after.hour < 18


async def test_someone_who_unsubscribes_before_it_is_sent_does_not_receive_it(
    sessions: Sessions,
) -> None:
    friday_evening = datetime(2026, 11, 27, 20, 0, tzinfo=ISRAEL)
    async with sessions() as session, session.begin():
        topic = await _topic(session)
        reader = await someone(session, "2021")
        await subscribe(session, reader.person_id, topic.id, "telegram", NOW)
        await _bulletin(session, topic, friday_evening)
    await _publish(sessions, friday_evening)

    async with sessions() as session, session.begin():
        await unsubscribe(session, reader.person_id, topic.id, "telegram", friday_evening)
    await _publish(sessions, friday_evening + timedelta(minutes=1))

    assert [row.status for row in await outbox(sessions, "bulletin")] == [OutboxStatus.SKIPPED]


async def test_drafts_and_cancelled_bulletins_are_never_sent(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        topic = await _topic(session)
        reader = await someone(session, "2031")
        await subscribe(session, reader.person_id, topic.id, "telegram", NOW)
        for status in (BulletinStatus.DRAFT, BulletinStatus.CANCELLED):
            bulletin = await _bulletin(session, topic, NOW - timedelta(hours=1))
            bulletin.status = status

    assert await _publish(sessions, NOW) == 0
    assert await outbox(sessions, "bulletin") == []
