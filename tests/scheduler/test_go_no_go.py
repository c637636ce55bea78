"""Minimum participants: the coordinators who manage an event short of its minimum are asked a
day before its go/no-go date, once, and can cancel it with one confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from models.catalog import Event, EventStatus
from models.people import ChannelIdentity
from scheduler.go_no_go import check_minimums
from tests.scheduler.support import QUIET, outbox
from tests.support import Chat, Clock

Sessions = async_sessionmaker[AsyncSession]
NEGEV = "travelling-workshop-negev"
"""Thirty seats, at least ten; go/no-go on 27.4.2027 at 12:00 in Israel."""
DAY_BEFORE = datetime(2027, 4, 26, 9, 30, tzinfo=UTC)


async def _sign_up(coordinated: Engine, n: int) -> Chat:
    """Register for the workshop, answering its one question (the role held)."""
    person = Chat(coordinated, address=f"p{n}")
    await person.send(f"/start ev_{NEGEV}")
    await person.press("להרשמה")
    for answer in (f"משתתף {n}", f"05212345{n}0", "משאבי שדה"):
        await person.send(answer)
    await person.press("גזברות")
    await person.press("כן, לרשום")
    return person


async def _check(sessions: Sessions, coordinated: Engine, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await check_minimums(session, now, coordinated.config, QUIET)


async def test_the_national_and_southern_coordinators_are_asked_once_and_can_call_it_off(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    regional: Chat,
    clock: Clock,
    sessions: Sessions,
) -> None:
    await national.send("/admin")
    await regional.send("/admin")  # the northern coordinator: not theirs to decide
    people = [await _sign_up(coordinated, n) for n in range(3)]
    assert await _check(sessions, coordinated, datetime(2027, 4, 20, tzinfo=UTC)) == 0  # early
    assert await _check(sessions, coordinated, DAY_BEFORE) == 1
    assert await _check(sessions, coordinated, DAY_BEFORE) == 0  # once
    [asked] = await outbox(sessions, "event_decision")
    async with sessions() as session:
        identity = await session.get(ChannelIdentity, asked.identity_id)
        assert identity is not None and identity.address == national.address
    reply = reply_from_payload(asked.payload)
    assert "רשומים 3 מתוך 10" in reply.text and "27 באפריל 2027" in reply.text

    clock.now = DAY_BEFORE
    await national.press_payload(reply.buttons[0][0].payload)
    assert "לבטל את" in national.text  # one confirmation
    await national.press("כן, לבטל")
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == NEGEV))
        assert event is not None and event.status == EventStatus.CANCELLED
    assert len(await outbox(sessions, "event_cancelled")) == len(people)


async def test_an_event_with_enough_people_is_not_questioned(
    catalog: None, coordinated: Engine, national: Chat, sessions: Sessions
) -> None:
    await national.send("/admin")
    async with sessions() as session, session.begin():
        await session.execute(update(Event).where(Event.slug == NEGEV).values(min_participants=2))
    for n in range(2):
        await _sign_up(coordinated, n)
    assert await _check(sessions, coordinated, DAY_BEFORE) == 0
    assert await outbox(sessions, "event_decision") == []
