"""Reminders follow registrations and events: planned once, moved, stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from handlers.core.types import reply_from_payload
from handlers.people.waitlist import OfferNotices
from models.catalog import Event, EventStatus
from models.outbox import OutboxStatus, Priority
from models.people import Channel, mark_blocked
from models.registration_service import cancel, register
from models.registrations import Registration
from scheduler.reminders import plan_reminders
from tests.scheduler.support import CONFIG, QUIET, Sessions, outbox, someone
from tests.support import NOW

ISRAEL = ZoneInfo("Asia/Jerusalem")


async def _event(session: AsyncSession, starts_at: datetime, **extra: object) -> Event:
    event = Event(
        slug=f"ev-{starts_at:%m%d%H%M}",
        content={
            "he": {"title": "יום עיון בגזברות", "place": "אפעל"},
            "en": {"title": "Treasurers' study day", "place": "Efal"},
        },
        starts_at=starts_at,
        taken=0,
        **extra,
    )
    session.add(event)
    await session.flush()
    return event


async def _plan(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await plan_reminders(session, now, CONFIG, QUIET)


async def test_a_registrant_is_reminded_a_day_and_two_hours_before_in_their_language(
    sessions: Sessions,
) -> None:
    start = datetime(2026, 12, 8, 7, 30, tzinfo=UTC)  # a Tuesday, 09:30 in Israel
    async with sessions() as session, session.begin():
        event = await _event(session, start)
        dana = await someone(session, "1001", "en")
        registration = (await register(session, event, dana.person_id, NOW)).registration

    assert await _plan(sessions, NOW) == 2
    assert await _plan(sessions, NOW + timedelta(minutes=1)) == 0  # planned once

    rows = await outbox(sessions, "reminder")
    assert [row.dedupe_key for row in rows] == [
        f"reminder:{registration.id}:1440",
        f"reminder:{registration.id}:120",
    ]
    assert [row.not_before for row in rows] == [
        start - timedelta(days=1),
        start - timedelta(hours=2),
    ]
    assert {row.identity_id for row in rows} == {dana.id}
    assert {row.priority for row in rows} == {Priority.REMINDER}
    reply = reply_from_payload(rows[0].payload)
    assert "Treasurers' study day" in reply.text and "Efal" in reply.text
    assert "09:30" in reply.text and registration.checkin_code in reply.text
    assert reply.options()[0].label == "My registration"


async def test_a_late_registrant_gets_only_the_reminders_still_ahead(sessions: Sessions) -> None:
    start = NOW + timedelta(hours=5)
    async with sessions() as session, session.begin():
        event = await _event(session, start)
        noa = await someone(session, "1002")
        await register(session, event, noa.person_id, NOW)

    await _plan(sessions, NOW)

    rows = await outbox(sessions, "reminder")
    assert [row.not_before for row in rows] == [start - timedelta(hours=2)]
    assert "יום עיון בגזברות" in rows[0].payload["text"]


async def test_rescheduling_the_event_moves_its_pending_reminders(sessions: Sessions) -> None:
    start = datetime(2026, 12, 8, 7, 30, tzinfo=UTC)
    async with sessions() as session, session.begin():
        event = await _event(session, start)
        await register(session, event, (await someone(session, "1003", "en")).person_id, NOW)
    await _plan(sessions, NOW)

    later = start + timedelta(days=2, hours=3)  # Thursday 12:30 in Israel
    async with sessions() as session, session.begin():
        moved = await session.get(Event, event.id)
        assert moved is not None
        moved.starts_at = later
    assert await _plan(sessions, NOW + timedelta(minutes=1)) == 0

    rows = await outbox(sessions, "reminder")
    assert [row.not_before for row in rows] == [
        later - timedelta(days=1),
        later - timedelta(hours=2),
    ]
    assert all("12:30" in row.payload["text"] for row in rows)


async def test_cancelling_the_registration_or_the_event_stops_the_reminders(
    sessions: Sessions,
) -> None:
    start = datetime(2026, 12, 8, 7, 30, tzinfo=UTC)
    async with sessions() as session, session.begin():
        event = await _event(session, start)
        leaving = await someone(session, "1004")
        staying = await someone(session, "1005")
        gone = (await register(session, event, leaving.person_id, NOW)).registration
        await register(session, event, staying.person_id, NOW)
    await _plan(sessions, NOW)

    async with sessions() as session, session.begin():
        mine = await session.get(Registration, gone.id)
        assert mine is not None
        await cancel(session, mine, NOW, OfferNotices(EngineConfig()))
    # Withdrawn at once, not a planner run later: a reminder due this minute must not go out.
    status = {(row.identity_id, row.status) for row in await outbox(sessions, "reminder")}
    assert status == {(leaving.id, OutboxStatus.SKIPPED), (staying.id, OutboxStatus.PENDING)}
    await _plan(sessions, NOW + timedelta(minutes=1))
    status = {(row.identity_id, row.status) for row in await outbox(sessions, "reminder")}
    assert status == {(leaving.id, OutboxStatus.SKIPPED), (staying.id, OutboxStatus.PENDING)}

    async with sessions() as session, session.begin():
        called_off = await session.get(Event, event.id)
        assert called_off is not None
        called_off.status = EventStatus.CANCELLED
    await _plan(sessions, NOW + timedelta(minutes=2))
    assert {row.status for row in await outbox(sessions, "reminder")} == {OutboxStatus.SKIPPED}


async def test_a_reminder_due_on_shabbat_goes_out_before_shabbat_begins(
    sessions: Sessions,
) -> None:
    start = datetime(2026, 11, 29, 10, 0, tzinfo=ISRAEL)  # Sunday morning
    async with sessions() as session, session.begin():
        event = await _event(session, start)
        await register(session, event, (await someone(session, "1006")).person_id, NOW)

    await _plan(sessions, NOW)

    day_before, two_hours = (
        row.not_before.astimezone(ISRAEL) for row in await outbox(sessions, "reminder")
    )
    friday = datetime(2026, 11, 27, tzinfo=ISRAEL).date()
    assert day_before.date() == friday and day_before.hour < 16  # candle lighting is ~15:56
    assert two_hours == datetime(2026, 11, 29, 8, 0, tzinfo=ISRAEL)


async def test_no_reminder_is_queued_for_someone_who_blocked_the_bot(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        event = await _event(session, NOW + timedelta(days=3))
        await register(session, event, (await someone(session, "1007")).person_id, NOW)
        await mark_blocked(session, Channel.TELEGRAM, "1007")

    assert await _plan(sessions, NOW) == 0
    assert await outbox(sessions, "reminder") == []
