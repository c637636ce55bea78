"""A series in /manage_events: one session moved or cancelled, its registrants told (nobody
else), reminders following each session; check-in and attendance per session."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_manage import Manage
from handlers.coordinators.event_tools import SessionList
from handlers.coordinators.sessions import SessionAct, SessionAction
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from models.catalog import Event, EventKind
from models.outbox import OutboxStatus
from models.people import ChannelIdentity
from models.sessions import EventSession, Rule, SessionStatus, follow_first
from scheduler.reminders import plan_reminders
from tests.handlers.attendees import code_of, sign_up
from tests.scheduler.support import CONFIG, QUIET, outbox
from tests.support import NOW, Chat, Clock

Sessions = async_sessionmaker[AsyncSession]
SERIES = "סדנת ועדות"


async def five_sessions(sessions: Sessions, slug: str = "committees-series") -> int:
    """A northern series of five fortnightly Tuesday sessions from 12.1.2027, 18:00–20:00."""
    rule = Rule(
        first_day=date(2027, 1, 12),
        weekday=1,
        at=time(18, 0),
        length=timedelta(hours=2),
        count=5,
        every_weeks=2,
    )
    async with sessions() as session, session.begin():
        event = Event(
            slug=slug,
            content={
                "he": {"title": SERIES, "place": "קיבוץ יזרעאל"},
                "en": {"title": "Committees workshop", "place": "Kibbutz Yizre'el"},
            },
            kind=EventKind.WORKSHOP_SERIES,
            region="north",
            starts_at=NOW + timedelta(days=30),
            capacity=20,
            taken=0,
        )
        session.add(event)
        await session.flush()
        session.add_all(
            EventSession(event_id=event.id, starts_at=starts, ends_at=ends)
            for starts, ends in rule.times("Asia/Jerusalem")
        )
        await session.flush()
        await follow_first(session, event)
        return event.id


async def _meetings(sessions: Sessions, event_id: int) -> list[EventSession]:
    async with sessions() as session:
        rows = await session.scalars(
            select(EventSession).where(EventSession.event_id == event_id).order_by(EventSession.id)
        )
        return list(rows.all())


async def _plan(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await plan_reminders(session, NOW, CONFIG, QUIET)


async def _address(sessions: Sessions, identity_id: int) -> str:
    async with sessions() as session:
        identity = await session.get(ChannelIdentity, identity_id)
        assert identity is not None
        return identity.address


async def test_moving_one_session_moves_its_reminders_and_tells_its_registrants_only(
    catalog: None, coordinated: Engine, national: Chat, sessions: Sessions
) -> None:
    series = await five_sessions(sessions)
    await sign_up(coordinated, "p1", "committees-series", "נועה כהן", "050-1234567")
    english = Chat(coordinated, address="p2")
    await english.send("/language en")
    await english.send("/start ev_committees-series")
    await english.press("Register")
    for answer in ("Dana Levi", "0521111111", "Yizre'el"):
        await english.send(answer)
    await english.press("register me")
    await sign_up(coordinated, "p3", "forum-north-january", "רון אדם", "0532222222")
    await _plan(sessions)
    first = await _meetings(sessions, series)
    reminders = [r for r in await outbox(sessions, "reminder") if ":s" in (r.dedupe_key or "")]
    assert len(reminders) == 5 * 2 * 2  # five sessions, a day and two hours before, two people
    for meeting in first:
        due = sorted({r.not_before for r in reminders if f":s{meeting.id}:" in r.dedupe_key})
        assert due == [
            meeting.starts_at - timedelta(days=1),
            meeting.starts_at - timedelta(hours=2),
        ]

    await national.press_payload(Manage(series).pack())
    assert "מפגשים" in " ".join(national.labels)
    assert "שינוי המועד" not in " ".join(national.labels)  # a series moves session by session
    await national.press("🗓️ מפגשים")
    assert "1. יום שלישי, 12 בינואר 2027" in national.text
    await national.press("3. ")
    await national.press("הזזת המפגש")
    await national.says("32.2 18:00", "אין יום 32")
    await national.says("10.2.2027 18:30", "מספר הרשומים שיקבלו הודעה על השינוי: 2")
    assert "9 בפברואר 2027" in national.text  # the time it was
    assert await outbox(sessions, "event_changed") == []  # nothing before the confirmation
    await national.press("לשמור ולעדכן")
    assert "הודעה על השינוי נשלחת לשני נרשמים" in national.text
    assert "3. יום רביעי, 10 בפברואר 2027, 18:30–20:30" in national.text

    notices = await outbox(sessions, "event_changed")
    assert sorted([await _address(sessions, n.identity_id) for n in notices]) == ["p1", "p2"]
    texts = {
        await _address(sessions, n.identity_id): reply_from_payload(n.payload).text for n in notices
    }
    assert "10 בפברואר 2027, 18:30" in texts["p1"] and "9 בפברואר 2027" in texts["p1"]
    assert "Wednesday, 10 February 2027, 18:30" in texts["p2"]
    assert "other sessions stay as they were" in texts["p2"]

    await _plan(sessions)
    moved = (await _meetings(sessions, series))[2]
    assert moved.starts_at == datetime(2027, 2, 10, 16, 30, tzinfo=UTC)
    pending = [
        r
        for r in await outbox(sessions, "reminder")
        if r.status == OutboxStatus.PENDING and ":s" in (r.dedupe_key or "")
    ]
    assert len(pending) == 20  # the same reminders, none added, none lost
    for meeting in await _meetings(sessions, series):
        due = sorted({r.not_before for r in pending if f":s{meeting.id}:" in r.dedupe_key})
        assert due == [
            meeting.starts_at - timedelta(days=1),
            meeting.starts_at - timedelta(hours=2),
        ]


async def test_cancelling_a_session_asks_first_then_stops_its_reminders_only(
    catalog: None, coordinated: Engine, national: Chat, sessions: Sessions
) -> None:
    series = await five_sessions(sessions)
    await sign_up(coordinated, "p1", "committees-series", "נועה כהן", "050-1234567")
    await _plan(sessions)
    await national.press_payload(Manage(series).pack())
    await national.press("🗓️ מפגשים")
    await national.press("2. ")
    await national.press("ביטול המפגש")
    assert "הרשומים לסדרה (1)" in national.text
    stale = national.button("כן, לבטל").payload
    await national.press("כן, לבטל")
    assert "2. יום שלישי, 26 בינואר 2027, 18:00–20:00 (בוטל)" in national.text
    await national.press_payload(stale)  # the same button again
    assert "הכפתור הזה כבר לא בתוקף" in national.text

    [notice] = await outbox(sessions, "event_changed")
    assert "בוטל" in reply_from_payload(notice.payload).text
    await _plan(sessions)
    meetings = await _meetings(sessions, series)
    assert meetings[1].status == SessionStatus.CANCELLED
    pending = [
        r.dedupe_key or ""
        for r in await outbox(sessions, "reminder")
        if r.status == OutboxStatus.PENDING
    ]
    assert not [key for key in pending if f":s{meetings[1].id}:" in key]
    assert len(pending) == 4 * 2

    member = Chat(coordinated, address="p1")
    await member.send("/my")
    assert "המפגש הבא: יום שלישי, 12 בינואר 2027" in member.text
    await member.press(SERIES)
    await member.press("הוספה ליומן")
    [entry] = member.replies[0].attachments
    assert entry.data.count(b"BEGIN:VEVENT") == 4  # the cancelled session is not in it


async def test_check_in_counts_each_session_and_the_roster_shows_attendance(
    catalog: None, coordinated: Engine, national: Chat, clock: Clock, sessions: Sessions
) -> None:
    series = await five_sessions(sessions)
    await sign_up(coordinated, "p1", "committees-series", "נועה כהן", "050-1234567")
    await sign_up(coordinated, "p2", "committees-series", "דנה לוי", "0521111111")
    noa, dana = await code_of(sessions, "נועה כהן"), await code_of(sessions, "דנה לוי")
    meetings = await _meetings(sessions, series)

    await national.send(f"/checkin {noa}")
    assert "ייפתח" in national.text  # weeks before the first session

    clock.now = meetings[0].starts_at - timedelta(minutes=30)
    await national.send(f"/checkin {noa}")
    assert "מפגש 1 מתוך 5: 1 מתוך 2 הגיעו" in national.text
    await national.send(noa)
    assert "כבר נרשם" in national.text and "מפגש 1 מתוך 5: 1 מתוך 2" in national.text
    await national.send("/cancel")

    clock.now = meetings[1].starts_at
    await national.send(f"/checkin {noa}")
    await national.send(dana)
    assert "מפגש 2 מתוך 5: 2 מתוך 2 הגיעו" in national.text
    await national.send("/cancel")

    clock.now = meetings[1].ends_at + timedelta(hours=1)  # type: ignore[operator]
    await national.send("/registrations")
    await national.press(SERIES)
    assert "נועה כהן" in national.text and "2/2" in national.text
    assert "דנה לוי" in national.text and "1/2" in national.text
    member = Chat(coordinated, address="p1")
    await member.send("/my")
    assert "המפגש הבא: יום שלישי, 9 בפברואר 2027" in member.text


async def test_a_regional_coordinator_cannot_touch_another_regions_sessions(
    catalog: None, regional: Chat, sessions: Sessions
) -> None:
    async with sessions() as session:
        south = await session.scalar(select(Event).where(Event.slug == "forum-south-2027"))
        assert south is not None
        first = await session.scalar(
            select(EventSession.id).where(EventSession.event_id == south.id).limit(1)
        )
    await regional.press_payload(SessionList(south.id).pack())
    await regional.press_payload(SessionAct(int(first or 0), SessionAction.CANCEL_SURE).pack())
    assert [m.status for m in await _meetings(sessions, south.id)] == [SessionStatus.SCHEDULED] * 10
    await regional.press_payload(SessionAct(2**31 - 1).pack())  # no such session
    assert "כבר לא בתוקף" in regional.text
