"""At the door: a coordinator checks people in by the code on their ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.registrations import Registration
from tests.handlers.attendees import code_of, sign_up
from tests.support import Chat, Clock

MINI = "workshop-mini-demo"
"""Two seats, in the north: the third to register waits. 5.1.2027, 17:00–18:30 in Israel."""
DOOR_OPEN = datetime(2027, 1, 5, 13, 0, tzinfo=UTC)
"""15:00 in Israel: two hours before the workshop, check-in is open."""


async def _results(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "checkin").order_by(AuditEntry.id)
        )
        return [entry.details.get("result") or entry.details["reason"] for entry in rows]


async def test_a_desk_checks_people_in_one_code_after_another(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    noa_chat = await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await sign_up(coordinated, "p2", MINI, "דנה לוי", "0521111111")
    noa, dana = await code_of(sessions, "נועה כהן"), await code_of(sessions, "דנה לוי")

    await national.send(f"/checkin {noa}")  # six weeks early
    assert "הצ'ק־אין למושב ניסיון" in national.text and "ייפתח ביום שלישי" in national.text
    assert "14:00" in national.text  # three hours before 17:00

    clock.now = DOOR_OPEN
    await national.send("/checkin")
    assert "מה קוד הצ'ק־אין" in national.text
    spaced = f"\u200f {noa[:3].lower()} {noa[3:].lower()} "
    await national.send(spaced)
    assert "נועה כהן — צ'ק־אין בוצע" in national.text and "מאושרת" in national.text
    assert "1 מתוך 2 הגיעו" in national.text and "הקוד הבא" in national.text

    clock.advance(minutes=5)
    await national.send(dana)
    assert "דנה לוי" in national.text and "2 מתוך 2 הגיעו" in national.text

    await national.send(noa)
    assert "נועה כהן: הצ'ק־אין כבר נרשם" in national.text and "15:00" in national.text
    assert "2 מתוך 2 הגיעו" in national.text

    await national.send("/cancel")
    assert "צ'ק־אינים שנרשמו בסבב הזה: 2, וכולם נשמרו" in national.text
    await national.send(noa)
    assert "צ'ק־אין" not in national.text

    async with sessions() as session:
        arrived = await session.scalars(select(Registration.checked_in_at))
        assert sorted(f"{at:%H:%M}" for at in arrived if at) == ["13:00", "13:05"]
    assert await _results(sessions) == ["too_early", "checked_in", "checked_in", "already"]

    # Noa is in the room: her registration is attendance now, not hers to cancel.
    await noa_chat.send("/my")
    await noa_chat.press("מושב ניסיון")
    assert not any("ביטול" in label for label in noa_chat.labels)


async def test_a_session_belongs_to_one_event_and_ends_with_the_event(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await sign_up(coordinated, "p2", "forum-north-january", "דנה לוי", "0521111111")
    clock.now = DOOR_OPEN
    await national.send(f"/checkin {await code_of(sessions, 'נועה כהן')}")
    assert "צ'ק־אין בוצע" in national.text
    await national.send(await code_of(sessions, "דנה לוי"))
    assert "⛔ הקוד הזה שייך לפורום צפון" in national.text and "ולא למושב ניסיון" in national.text
    clock.now = DOOR_OPEN + timedelta(hours=4)  # the workshop ended at 18:30
    await national.send("/checkin")
    await national.send(await code_of(sessions, "נועה כהן"))
    assert "מושב ניסיון" in national.text and "כבר הסתיים, והצ'ק־אין נסגר" in national.text
    await national.send("/cancel")
    assert "צ'ק־אינים שנרשמו בסבב הזה: 0" in national.text
    assert await _results(sessions) == ["checked_in", "other_event", "over"]


async def test_every_bad_code_gets_a_clear_answer(
    catalog: None,
    coordinated: Engine,
    clock: Clock,
    national: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await sign_up(coordinated, "p2", MINI, "דנה לוי", "0521111111")
    waiting = await sign_up(coordinated, "p3", MINI, "יוסי מזרחי", "0532222222")
    assert "רשימת ההמתנה" in waiting.text
    leaving = Chat(coordinated, address="p1")
    await leaving.send("/my")
    await leaving.press("מושב ניסיון")
    await leaving.press("ביטול")
    await leaving.press("כן, לבטל")
    assert "בוטלה" in leaving.text
    clock.now = DOOR_OPEN

    await national.send("/checkin ZZZZZZ")
    assert "אין הרשמה עם הקוד ZZZZZZ" in national.text
    await national.send("x" * 5000)
    assert "אין הרשמה עם הקוד" in national.text and len(national.text) < 300
    await national.send("🎉🎉")
    assert "אין הרשמה עם הקוד" in national.text
    await national.send_media("photo")
    assert national.replies

    await national.send(await code_of(sessions, "נועה כהן"))
    assert "נועה כהן: ההרשמה ל" in national.text and '"בוטלה"' in national.text
    await national.send(await code_of(sessions, "יוסי מזרחי"))
    assert "יוסי מזרחי" in national.text and "רק הרשמה מאושרת" in national.text

    async with sessions() as session:
        assert not [at for at in await session.scalars(select(Registration.checked_in_at)) if at]
    assert await _results(sessions) == ["unknown"] * 3 + ["not_confirmed"] * 2


async def test_a_regional_coordinator_checks_in_only_their_regions_events(
    catalog: None,
    coordinated: Engine,
    clock: Clock,
    regional: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await sign_up(coordinated, "p1", "forum-south-january", "נועה כהן", "050-1234567")
    await sign_up(coordinated, "p2", "forum-north-january", "דנה לוי", "0521111111")
    clock.now = datetime(2027, 1, 19, 15, 30, tzinfo=UTC)  # 17:30 in Israel, before the forum

    await regional.send(f"/checkin {await code_of(sessions, 'נועה כהן')}")
    assert "לרכזים בלבד" in regional.text and "נועה כהן" not in regional.text
    await regional.send(await code_of(sessions, "דנה לוי"))
    assert "דנה לוי — צ'ק־אין בוצע" in regional.text and "1 מתוך 1 הגיעו" in regional.text
    assert await _results(sessions) == ["scope", "checked_in"]


async def test_a_member_cannot_check_anyone_in(
    catalog: None, coordinated: Engine, member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await member.send(f"/checkin {await code_of(sessions, 'נועה כהן')}")
    assert "לרכזים בלבד" in member.text and "נועה כהן" not in member.text
    async with sessions() as session:
        assert await session.scalar(select(Registration.checked_in_at)) is None
