"""Copy this event: a draft with the same texts, seats, sessions and questions, no people."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_manage import Manage
from handlers.coordinators.event_tools import CopyEvent
from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event, EventStatus
from models.event_questions import EventQuestion
from models.registrations import Registration
from models.sessions import EventSession
from tests.support import Chat

Sessions = async_sessionmaker[AsyncSession]


async def _id(sessions: Sessions, slug: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Event.id).where(Event.slug == slug))
        assert found is not None
        return found


async def _count(sessions: Sessions, model: type[object], event_id: int) -> int:
    async with sessions() as session:
        column = model.event_id  # type: ignore[attr-defined]
        return int(await session.scalar(select(func.count()).where(column == event_id)) or 0)


async def test_a_copy_is_a_draft_with_the_sessions_and_questions_and_nobody_registered(
    catalog: None, coordinated: Engine, national: Chat, sessions: Sessions
) -> None:
    forum = await _id(sessions, "forum-north-2027")
    person = Chat(coordinated, address="p1")
    await person.send("/start ev_forum-north-2027")
    await person.press("להרשמה")
    for answer in ("נועה כהן", "050-1234567", "יזרעאל"):
        await person.send(answer)
    await person.press("גזברות")
    await person.press("כן, לרשום")

    await national.press_payload(Manage(forum).pack())
    await national.press("העתקת האירוע")
    assert "לטיוטה חדשה" in national.text
    await national.press("כן, להעתיק")
    assert "הועתק" in national.text and "טיוטה" in national.text
    copy = await _id(sessions, "forum-north-2027-2")
    async with sessions() as session:
        event = await session.get(Event, copy)
        assert event is not None
        assert (event.status, event.taken, event.capacity) == (EventStatus.DRAFT, 0, 40)
        assert event.content["en"]["place"] == "Kibbutz Yizre'el"
    assert await _count(sessions, EventSession, copy) == 8
    assert await _count(sessions, EventQuestion, copy) == 1
    assert await _count(sessions, Registration, copy) == 0
    assert await _count(sessions, Registration, forum) == 1

    await national.press_payload(CopyEvent(forum, True).pack())
    assert await _id(sessions, "forum-north-2027-3")
    await national.press_payload(CopyEvent(987654, True).pack())  # no such event
    assert "כבר לא בתוקף" in national.text
    await person.send("/events")
    assert "(23)" in person.text  # drafts are not listed


async def test_a_regional_coordinator_cannot_copy_another_regions_event(
    catalog: None, regional: Chat, sessions: Sessions
) -> None:
    south = await _id(sessions, "forum-south-2027")
    await regional.press_payload(CopyEvent(south, True).pack())
    async with sessions() as session:
        assert await session.scalar(select(Event).where(Event.slug == "forum-south-2027-2")) is None
        refused = await session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "event.copy", AuditEntry.target == "event:forum-south-2027"
            )
        )
        assert refused is not None and refused.allowed is False
