"""Coordinators get a weekly summary on Sunday morning: registrations, subscribers, leads."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.catalog import Event, Topic, Track
from models.outbox import Priority
from models.people import Channel
from models.registration_service import register
from models.registrations import Lead
from models.subscriptions import subscribe
from scheduler.digest import send_weekly_digest
from tests.scheduler.support import CONFIG, QUIET, Sessions, outbox, someone
from tests.support import NOW

ISRAEL = ZoneInfo("Asia/Jerusalem")
SUNDAY_MORNING = datetime(2026, 11, 29, 9, 30, tzinfo=ISRAEL)
ADMINS = replace(CONFIG, admin_addresses=frozenset({"5001", "+972501234567"}))


async def _digest(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await send_weekly_digest(session, now, ADMINS, QUIET)


async def _a_busy_week(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event = Event(
            slug="forum-north",
            content={"he": {"title": "פורום צפון"}, "en": {"title": "North forum"}},
            starts_at=NOW + timedelta(days=20),
            taken=0,
        )
        topic = Topic(slug="coop", content={"he": {"title": "עלון"}, "en": {"title": "Bulletin"}})
        track = Track(slug="garin", content={"he": {"title": "גרעין"}, "en": {"title": "Garin"}})
        session.add_all([event, topic, track])
        await session.flush()
        for n in range(3):
            member = await someone(session, f"60{n}")
            await register(session, event, member.person_id, NOW)
            await subscribe(session, member.person_id, topic.id, "telegram", NOW)
        session.add(Lead(person_id=member.person_id, track_id=track.id, created_at=NOW))


async def test_coordinators_by_telegram_id_or_phone_get_the_week_in_numbers(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        by_id = await someone(session, "5001", "en")
        by_phone = await someone(session, "whatsapp:+972501234567", "he", Channel.WHATSAPP)
    await _a_busy_week(sessions)

    assert await _digest(sessions, SUNDAY_MORNING) == 2
    assert await _digest(sessions, SUNDAY_MORNING + timedelta(hours=1)) == 0  # once a week

    rows = {row.identity_id: row for row in await outbox(sessions, "digest")}
    assert set(rows) == {by_id.id, by_phone.id}
    english = rows[by_id.id].payload["text"]
    assert "22.11–28.11.2026" in english
    assert "New event registrations: 3" in english and "North forum: 3" in english
    assert "New subscribers: 3" in english and "Bulletin: 3" in english
    assert "New track enquiries: 1" in english and "Garin: 1" in english
    assert "הרשמות חדשות לאירועים: 3" in rows[by_phone.id].payload["text"]
    assert rows[by_id.id].priority == Priority.NOTICE


async def test_nothing_is_sent_before_sunday_morning_or_long_after_it(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await someone(session, "5001")

    assert await _digest(sessions, SUNDAY_MORNING - timedelta(hours=1)) == 0  # last week's lapsed
    assert await _digest(sessions, SUNDAY_MORNING + timedelta(days=2)) == 0
    assert await outbox(sessions, "digest") == []
