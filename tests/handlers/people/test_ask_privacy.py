"""What people said to the team is theirs: in the /privacy export (the team's internal notes
are not), and gone when they are deleted — while the counts in /stats stay."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.people import Channel
from models.questions import Thread, ThreadMessage
from tests.support import Chat, Clock

pytestmark = pytest.mark.usefixtures("catalog")


async def test_questions_and_answers_are_exported_and_deleted_with_the_person(
    coordinated: Engine,
    national: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    noa = Chat(coordinated, address="5555", channel=Channel.TELEGRAM)
    await noa.send("/ask אפשר לשנות את מועד הראיון שלי?")
    await noa.press("מרכז")
    clock.advance(hours=3)
    await national.send("/inbox")
    await national.press("הראיון")
    await national.press("הערה פנימית")
    await national.send("הפונה מוכרת לנו מהמכינה")
    await national.press("לענות")
    await national.send("כן, נתאם מועד חדש בטלפון.")

    await noa.send("/privacy")
    await noa.press("להציג")
    assert "כתבתם: אפשר לשנות את מועד הראיון שלי?" in noa.text
    assert "הצוות ענה: כן, נתאם מועד חדש בטלפון." in noa.text
    assert "מוכרת לנו" not in noa.text
    exported = json.loads(noa.replies[0].attachments[1].data)
    assert [m["from"] for m in exported["questions"][0]["messages"]] == ["person", "team"]

    await noa.send("/privacy")
    await noa.press("למחוק")
    await noa.press("כן, למחוק הכול")
    async with sessions() as session:
        thread = await session.scalar(select(Thread))
        assert thread is not None and thread.person_id is None
        assert await session.scalar(select(func.count()).select_from(ThreadMessage)) == 0
    await national.send("/stats")
    assert "שאלות לצוות: נשאלו 1, נענו 1" in national.text
    assert "זמן חציוני עד תשובה ראשונה: 3.0 שעות" in national.text
