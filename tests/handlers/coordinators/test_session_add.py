"""Adding sessions in /manage_events: dates typed several at once, or a rule whose holidays are
passed over and named; the series' registrants (only they) are told, their reminders and /my
follow the new sessions; an event that met once becomes a series."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers.coordinators.event_manage import Manage
from handlers.coordinators.event_tools import AddSessions
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from models.audit import AuditEntry
from models.catalog import Event
from models.outbox import OutboxStatus
from tests.handlers.attendees import sign_up
from tests.handlers.coordinators.test_sessions import (
    Sessions,
    _address,
    _meetings,
    _plan,
    five_sessions,
)
from tests.scheduler.support import outbox
from tests.support import Chat


async def _event_id(sessions: Sessions, slug: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Event.id).where(Event.slug == slug))
        assert found is not None
        return found


async def test_typed_dates_are_added_and_the_series_registrants_told(
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

    await national.press_payload(Manage(series).pack())
    await national.press("🗓️ מפגשים")
    await national.press("הוספת מפגשים")
    assert "תאריך בלי שעה פירושו 18:00" in national.text
    await national.says("32.1 18:00", "„32.1 18:00”", "אין יום 32")
    await national.says("5.1.2027, 1.1.2026 18:00", "„1.1.2026 18:00”", "כבר עבר")
    await national.send("5.1.2027\n26.1.2027 18:00; 22.4.2027 18:00")
    for shown in (
        "• יום שלישי, 5 בינואר 2027, 18:00–20:00",
        "• יום חמישי, 22 באפריל 2027, 18:00–20:00 ⚠️ ביום הזה לא מתקיימים מפגשים",
        "↩️ יום שלישי, 26 בינואר 2027, 18:00: כבר יש מפגש בזמן הזה",
        "מספר הרשומים שיקבלו הודעה על השינוי: 2",
    ):
        assert shown in national.text, national.text
    assert await outbox(sessions, "event_changed") == []  # nothing before the confirmation
    await national.says("כן", "נא לבחור בכפתורים")
    await national.press("להוסיף את המפגשים (2)")
    assert "נוספו מפגשים: 2. נרשמים שקיבלו הודעה: 2." in national.text
    assert "1. יום שלישי, 5 בינואר 2027, 18:00–20:00" in national.text

    notices = await outbox(sessions, "event_changed")
    texts = {
        await _address(sessions, n.identity_id): reply_from_payload(n.payload).text for n in notices
    }
    assert sorted(texts) == ["p1", "p2"]
    assert "מפגשים חדשים בסדנת ועדות" in texts["p1"] and "5 בינואר 2027" in texts["p1"]
    assert "New sessions for Committees workshop" in texts["p2"]
    assert "Tuesday, 5 January 2027" in texts["p2"] and "22 April 2027" in texts["p2"]

    await _plan(sessions)
    meetings = await _meetings(sessions, series)
    assert len(meetings) == 7
    pending = [r for r in await outbox(sessions, "reminder") if r.status == OutboxStatus.PENDING]
    series_reminders = [r for r in pending if ":s" in (r.dedupe_key or "")]
    assert len(series_reminders) == 7 * 2 * 2
    member = Chat(coordinated, address="p1")
    await member.send("/my")
    assert "המפגש הבא: יום שלישי, 5 בינואר 2027" in member.text
    async with sessions() as session:
        event = await session.get(Event, series)
        assert event is not None and event.starts_at == datetime(2027, 1, 5, 16, tzinfo=UTC)
        [entry] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "session.add"))
        ).all()
        assert entry.target == "event:committees-series" and entry.details["told"] == 2


async def test_a_rule_passes_over_named_holidays_and_makes_a_single_event_a_series(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    forum = await _event_id(sessions, "forum-north-january")
    await national.send("/language en")
    await national.press_payload(Manage(forum).pack())
    await national.press("Sessions")
    assert "meets once" in national.text
    await national.press("Add sessions")
    await national.press("By a rule")
    await national.says("weekly please", "Please choose with the buttons", "Every two weeks")
    await national.press("Every week")
    await national.says("yesterday", "couldn't read")
    await national.send("27.4.2027 18:00")
    assert "How many sessions? (1 to 59" in national.text
    await national.says("0", "from 1 to 59")
    await national.says("three", "from 1 to 59")
    await national.send("3")
    for shown in (
        "• Tuesday, 18 May 2027, 18:00",
        "• Tuesday, 25 May 2027, 18:00",
        "• Tuesday, 1 June 2027, 18:00",
        "Passed over (no meetings that day):",
        "✖️ Tuesday, 27 April 2027 — Hol hamoed Pesach",
        "✖️ Tuesday, 4 May 2027 — Yom HaShoah",
        "✖️ Tuesday, 11 May 2027 — Yom HaZikaron",
        "becomes the first session of the series",
    ):
        assert shown in national.text, national.text
    await national.press("Add the sessions (3)")
    assert "Sessions added: 3" in national.text
    meetings = await _meetings(sessions, forum)
    assert len(meetings) == 4
    assert [m.starts_at.date().isoformat() for m in meetings[1:]] == [
        "2027-05-18",
        "2027-05-25",
        "2027-06-01",
    ]
    lengths = {m.ends_at - m.starts_at for m in meetings if m.ends_at is not None}
    assert len(lengths) == 1 and all(m.ends_at is not None for m in meetings)


async def test_monthly_rules_refuse_a_fifth_week_and_stale_buttons_change_nothing(
    catalog: None, national: Chat, regional: Chat, sessions: Sessions
) -> None:
    series = await five_sessions(sessions)
    await national.press_payload(Manage(series).pack())
    await national.press("🗓️ מפגשים")
    await national.press("הוספת מפגשים")
    await national.press("לפי כלל")
    await national.press("פעם בחודש")
    await national.says("30.3.2027 18:00", "ארבעת השבועות הראשונים")
    await national.send("9.3.2027 18:00")
    await national.send("2")
    assert "• יום שלישי, 9 במרץ 2027" not in national.text  # the series meets then already
    assert "↩️ יום שלישי, 9 במרץ 2027, 18:00: כבר יש מפגש" in national.text
    assert "• יום שלישי, 13 באפריל 2027, 18:00–20:00" in national.text
    assert "• יום שלישי, 11 במאי 2027" not in national.text  # Yom HaZikaron
    stale = national.button("להוסיף את המפגשים").payload
    await national.send("/cancel")
    await national.press_payload(stale)
    assert "לא בתוקף" in national.text
    assert len(await _meetings(sessions, series)) == 5

    south = await _event_id(sessions, "forum-south-2027")
    await regional.press_payload(AddSessions(south).pack())
    assert "מיועדת לרכזים בלבד" in regional.text
    async with sessions() as session:
        refused = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "event.sessions.add")
        )
        assert refused is not None and refused.allowed is False
