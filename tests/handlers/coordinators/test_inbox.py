"""/inbox: open questions and leads within reach, oldest first, paged; claiming, answering
through the outbox, notes, hand-over and done — every action and refusal audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.inbox import InboxAct, InboxExport, InboxOpen
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from models.audit import AuditEntry
from models.outbox import OutboxKind, OutboxMessage
from models.people import Channel, person_at
from models.questions import Author, Thread, ThreadMessage, ThreadStatus
from models.roles import RoleScope, grant
from tests.support import Chat, Clock

pytestmark = pytest.mark.usefixtures("catalog")


async def ask(engine: Engine, address: str, text: str, region: str = "צפון") -> None:
    person = Chat(engine, address=address, channel=Channel.WHATSAPP)
    await person.send(f"/ask {text}")
    if "לאיזה אזור" in person.text:
        await person.press(region)


async def southern(engine: Engine, sessions: async_sessionmaker[AsyncSession]) -> Chat:
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id="9003")
        await grant(session, person, RoleScope.REGIONAL, regions=["south"])
    return Chat(engine, address="9003", channel=Channel.TELEGRAM)


async def audited(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, bool]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("inbox%")).order_by(AuditEntry.id)
        )
        return [(entry.action, entry.allowed) for entry in rows]


async def test_a_regional_coordinator_sees_only_their_regions_oldest_first(
    coordinated: Engine,
    regional: Chat,
    national: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await ask(coordinated, "whatsapp:+972501111111", "יש חניה בפורום הצפון?")
    clock.advance(hours=1)
    await ask(coordinated, "whatsapp:+972502222222", "יש הסעות לפורום בדרום?", "דרום")
    clock.advance(hours=1)
    await ask(coordinated, "whatsapp:+972503333333", "אפשר להגיע עם ילדים לגליל?")
    await regional.send("/inbox")
    assert "שאלות ממתינות: 2" in regional.text
    labels = [label for label in regional.labels if label.startswith("❓")]
    assert len(labels) == 2 and "חניה" in labels[0] and "ילדים" in labels[1]
    south = await southern(coordinated, sessions)
    await south.send("/inbox")
    assert "שאלות ממתינות: 1" in south.text and "הסעות" in south.shown
    await national.send("/inbox")
    assert "שאלות ממתינות: 3" in national.text


async def test_a_forged_button_for_another_regions_item_is_refused_and_audited(
    coordinated: Engine, regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask(coordinated, "whatsapp:+972502222222", "יש הסעות לפורום בדרום?", "דרום")
    async with sessions() as session:
        thread_id = await session.scalar(select(Thread.id))
        assert thread_id is not None
    for forged in (InboxOpen(thread_id), InboxAct(thread_id, "c")):
        await regional.press_payload(forged.pack())
        assert "לרכזים בלבד" in regional.text
        assert "הסעות" not in regional.text
    refused = [action for action, allowed in await audited(sessions) if not allowed]
    assert refused == ["inbox.open", "inbox.c"]
    async with sessions() as session:
        thread = await session.get(Thread, thread_id)
        assert thread is not None and thread.claimed_by is None


async def test_claim_answer_note_hand_and_done_each_leave_a_trace(
    coordinated: Engine,
    regional: Chat,
    national: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await national.send("/language en")  # the national coordinator reads English
    await ask(coordinated, "whatsapp:+972501111111", "יש חניה בפורום הצפון?")
    await regional.send("/inbox")
    await regional.press("חניה")
    assert "שאלה #" in regional.text and "ממתינה" in regional.text
    await regional.press("לקחת לטיפול")
    assert "בטיפולכם" in regional.text
    assert not [label for label in regional.labels if "לקחת לטיפול" in label]
    await regional.press("הערה פנימית")
    await regional.says("לבדוק עם המזכירות", "ההערה נשמרה", "🔒 הערה פנימית")
    await regional.press("לענות")
    assert "whatsapp" in regional.text
    await regional.says("א" * 5000, "עד 3500 תווים")
    await regional.send_media("photo")
    await regional.says("כן, יש חניה ליד חדר האוכל.", "התשובה נשלחה")
    async with sessions() as session:
        (sent,) = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.TEAM_ANSWER)
        )
        reply = reply_from_payload(sent.payload)
        thread = await session.scalar(select(Thread))
        assert thread is not None
    assert "כן, יש חניה ליד חדר האוכל." in reply.text and "יש חניה בפורום הצפון?" in reply.text
    assert "לבדוק עם המזכירות" not in reply.text
    assert [b.label for b in reply.options()] == ["↩️ להשיב לצוות"]
    assert thread.status == ThreadStatus.ANSWERED and thread.first_answer_at is not None
    await regional.press("להעביר")
    await regional.press("#")  # the national coordinator, known only by number
    assert "הועברה" in regional.text
    await national.send("/inbox")
    await national.press("✅")
    assert "Handled by: #" in national.text
    await national.press("Mark as done")
    assert "marked as done" in national.text and "questions waiting: 0" in national.text
    assert await audited(sessions) == [
        ("inbox.view", True),
        ("inbox.open", True),
        ("inbox.claim", True),
        ("inbox.note", True),
        ("inbox.answer", True),
        ("inbox.hand", True),
        ("inbox.view", True),
        ("inbox.open", True),
        ("inbox.done", True),
        ("inbox.view", True),
    ]
    async with sessions() as session:
        authors = await session.scalars(select(ThreadMessage.author).order_by(ThreadMessage.id))
        assert list(authors) == [Author.PERSON, Author.NOTE, Author.TEAM, Author.HANDOFF]


async def test_many_items_page_with_counts_and_export_to_excel(
    coordinated: Engine, national: Chat, clock: Clock
) -> None:
    for n in range(11):
        await ask(coordinated, f"whatsapp:+9725000000{n:02}", f"שאלה מספר {n} על הסעות")
        clock.advance(minutes=5)
    await national.send("/inbox")
    assert "שאלות ממתינות: 11" in national.text
    first = [label for label in national.labels if label.startswith("❓")]
    assert len(first) == 8 and "שאלה מספר 0 " in first[0]
    await national.press("עוד")
    second = [label for label in national.labels if label.startswith("❓")]
    assert "שאלה מספר 10 " in second[-1]
    await national.press_payload(InboxExport("question").pack())
    (file,) = national.replies[0].attachments
    sheet = load_workbook(io.BytesIO(file.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "מספר" and len(rows) == 12
    assert rows[1][-1] == "שאלה מספר 0 על הסעות"


async def test_people_without_a_role_are_refused_the_inbox(
    member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await member.send("/inbox")
    assert "לרכזים בלבד" in member.text
    await member.press_payload(InboxExport("lead").pack())
    assert "לרכזים בלבד" in member.text
    await member.press_payload("ibo:not-a-number")
    assert "לרכזים בלבד" in member.text
    async with sessions() as session:
        refused = await session.scalars(
            select(AuditEntry.action).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id)
        )
        assert list(refused) == ["/inbox", "ibx", "ibo"]


async def test_a_coordinator_pressing_a_stale_or_garbled_inbox_button_is_told_so(
    national: Chat,
) -> None:
    for payload in ("ibo:999999", "ibo:not-a-number", InboxAct(999999, "c").pack(), "iba:1:z"):
        await national.press_payload(payload)
        assert "כבר לא בתוקף" in national.text, payload
