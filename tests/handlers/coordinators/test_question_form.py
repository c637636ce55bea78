"""A coordinator attaches questions to an event from /manage_events; registration asks them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_manage import Manage
from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event
from models.event_questions import EventQuestion
from tests.support import Chat

Sessions = async_sessionmaker[AsyncSession]
NAHAL = "nahal-open-evening"


async def _event_id(sessions: Sessions) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Event.id).where(Event.slug == NAHAL))
        assert found is not None
        return found


async def test_a_choice_question_is_formed_step_by_step_asked_and_kept_once_answered(
    catalog: None, coordinated: Engine, national: Chat, sessions: Sessions
) -> None:
    await national.press_payload(Manage(await _event_id(sessions)).pack())
    await national.press("שאלות בהרשמה")
    assert "אין שאלות עדיין" in national.text
    await national.press("הוספת שאלה")
    await national.says("משהו", "נא לבחור", "איזה סוג שאלה?")
    kind_button = national.button("בחירה אחת").payload
    await national.press("בחירה אחת")
    await national.press("כן, חובה")
    await national.says("x" * 5000, "200")
    await national.says("מאיפה תגיעו?", "באנגלית")
    await national.send("Where will you come from?")
    await national.says("צפון", "2 עד 10")
    await national.says("צפון\nצפון", "שונות")
    await national.says("צפון\nמרכז\nדרום", "אותן 3 אפשרויות")
    await national.says("North\nCentre", "בדיוק 3")
    await national.says(
        "North\nCentre\nSouth", "נשמר", "1. מאיפה תגיעו? (בחירה אחת, חובה) · ענו: 0"
    )
    await national.press_payload(kind_button)  # the kind button again, after the form
    assert "כבר לא בתוקף" in national.text

    english = Chat(coordinated, address="p1")
    await english.send("/language en")
    await english.send(f"/start ev_{NAHAL}")
    await english.press("Register")
    for answer in ("Dana Levi", "0521111111", "Revivim"):
        await english.send(answer)
    assert "Where will you come from?" in english.text and "Centre" in english.labels
    await english.press("Centre")
    assert "Where will you come from?: Centre" in english.text
    await english.press("register me")

    await national.press_payload(Manage(await _event_id(sessions)).pack())
    await national.press("שאלות בהרשמה")
    assert "ענו: 1" in national.text
    await national.press("הסרת שאלה 1")
    assert "יש 1 תשובות, ולכן היא נשארת" in national.text
    mine = select(EventQuestion).where(EventQuestion.event_id == await _event_id(sessions))
    async with sessions() as session:
        assert len((await session.scalars(mine)).all()) == 1


async def test_an_unanswered_text_question_can_be_removed_after_a_confirmation(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await national.press_payload(Manage(await _event_id(sessions)).pack())
    await national.press("שאלות בהרשמה")
    await national.press("הוספת שאלה")
    await national.press("טקסט קצר")
    await national.press("לא, רשות")
    await national.send("רגישות למזון?")
    await national.says("-", "נשמר", "1. רגישות למזון? (טקסט קצר, רשות)")
    await national.press("הסרת שאלה 1")
    await national.press("כן, להסיר")
    assert "אין שאלות עדיין" in national.text
    mine = select(EventQuestion).where(EventQuestion.event_id == await _event_id(sessions))
    async with sessions() as session:
        actions = set(await session.scalars(select(AuditEntry.action)))
        assert {"event.question_add", "event.question_remove"} <= actions
        assert (await session.scalars(mine)).all() == []
