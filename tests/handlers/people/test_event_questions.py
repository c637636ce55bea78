"""An event's own questions in registration: asked after the personal details, answered by
buttons or a short text, shown to coordinators, one column each in the export and /stats."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.registrations_admin import RosterShow
from handlers.core.engine import Engine
from handlers.people.event_questions import QuestionDone
from models.catalog import Event
from models.event_questions import EventQuestion
from tests.handlers.coordinators.test_registrations_admin import read_xlsx
from tests.support import Chat, hagshama

TREASURERS = "workshop-series-treasurers"
"""The demo series with three questions: transport (required), diet (multi), expectations."""


async def _event_id(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Event.id).where(Event.slug == TREASURERS))
        assert found is not None
        return found


async def _details(person: Chat) -> None:
    await person.send(f"/start ev_{TREASURERS}")
    await person.press("להרשמה")
    await person.send("נועה כהן")
    await person.send("050-1234567")
    await person.send("יזרעאל")


async def test_a_required_choice_and_the_optional_ones_reach_the_export_as_columns(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    database_url: str,
    tmp_path: Path,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    person = Chat(coordinated, address="p1")
    await _details(person)
    assert "איך תגיעו?" in person.text and "דילוג" not in " ".join(person.labels)
    stale = person.button("ברכב שלי").payload
    await person.says("x" * 5000, "נא לבחור בכפתורים", "איך תגיעו?")
    await person.press("צריך/ה טרמפ")
    assert "העדפות תזונה" in person.text
    await person.press("צמחוני")
    await person.press("ללא גלוטן")
    assert "✅ צמחוני" in person.labels and "✅ ללא גלוטן" in person.labels
    await person.press("צמחוני")  # changed their mind
    await person.press("סיום")
    assert "מה הייתם רוצים לקחת" in person.text
    await person.says("ת" * 5000, "עד 300 תווים (נשלחו 5000)")
    await person.says("🙂", "עם אותיות או מספרים")
    await person.send("ללמוד לבנות תקציב קהילתי")
    assert "• איך תגיעו?: צריך/ה טרמפ" in person.text
    assert "• העדפות תזונה לארוחה: ללא גלוטן" in person.text
    await person.press_payload(stale)  # an answer button from before
    assert "כבר לא בתוקף" in person.text
    await person.says("שלום", "כן, לרשום")  # the summary still waits
    await person.press("כן, לרשום")
    assert "נרשמתם לסדנת גזברים" in person.text and "קוד הצ'ק־אין שלכם" in person.text

    await national.press_payload(RosterShow(await _event_id(sessions)).pack())
    assert "צריך/ה טרמפ" in national.text and "ללא גלוטן" in national.text
    await national.press("ייצוא")
    rows = read_xlsx(national.replies[0].attachments[0].data)
    heading = rows[0]
    transport = heading.index("איך תגיעו?")
    assert rows[1][transport] == "צריך/ה טרמפ"
    assert rows[1][heading.index("העדפות תזונה לארוחה")] == "ללא גלוטן"
    assert rows[1][heading.index("מה הייתם רוצים לקחת מהסדנה? (לא חובה)")] == (
        "ללמוד לבנות תקציב קהילתי"
    )
    assert "מפגשים שהשתתפו בהם" in heading  # a series: attendance too
    await national.send("/stats")
    assert "איך תגיעו?: צריך/ה טרמפ 1" in national.text
    assert "העדפות תזונה לארוחה: ללא גלוטן 1" in national.text

    out = tmp_path / "treasurers.csv"
    written = hagshama(
        "export",
        "--event",
        TREASURERS,
        "--format",
        "csv",
        "--lang",
        "en",
        "--out",
        str(out),
        database_url=database_url,
    )
    assert written.returncode == 0, written.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert "How will you get there?" in lines[0] and "I need a ride" in lines[1]


async def test_a_required_question_cannot_be_skipped_and_an_optional_one_can(
    catalog: None, coordinated: Engine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = Chat(coordinated, address="p1")
    await _details(person)
    async with sessions() as session:
        required = await session.scalar(
            select(EventQuestion).where(EventQuestion.slug == "transport")
        )
        assert required is not None
    await person.press_payload(QuestionDone(required.id).pack())  # a forged skip
    assert "זו שאלת חובה" in person.text and "איך תגיעו?" in person.text
    await person.press("ברכב שלי")
    await person.press("סיום")  # no diet: optional
    await person.press("דילוג")
    assert "כן, לרשום" in " ".join(person.labels) and "העדפות תזונה" not in person.text
    await person.press("כן, לרשום")
    await person.send("/my")
    assert "סדנת גזברים" in person.text and "המפגש הבא" in person.text


async def test_english_registrants_are_asked_in_english(catalog: None, coordinated: Engine) -> None:
    person = Chat(coordinated, address="p9")
    await person.send("/language en")
    await person.send(f"/start ev_{TREASURERS}")
    await person.press("Register")
    for answer in ("Dana Levi", "0521111111", "Revivim"):
        await person.send(answer)
    assert "How will you get there?" in person.text and "By train" in person.labels
