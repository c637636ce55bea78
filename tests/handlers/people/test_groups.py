"""Registering a group from the chat: its size and names, the split question when seats are
short, one ticket that lists everyone."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.catalog import Event
from models.registrations import Registration
from tests.handlers.attendees import sign_up
from tests.support import NOW, Chat

Sessions = async_sessionmaker[AsyncSession]
SLUG = "garin-day"


async def _three_seats_left(sessions: Sessions, coordinated: Engine) -> None:
    """An event of five seats, two of them taken."""
    async with sessions() as session, session.begin():
        session.add(
            Event(
                slug=SLUG,
                content={"he": {"title": "יום גרעינים", "place": "קיבוץ חצרים"}},
                region="south",
                starts_at=NOW + timedelta(days=20),
                capacity=5,
                taken=0,
            )
        )
    await sign_up(coordinated, "p1", SLUG, "דנה לוי", "0521111111")
    await sign_up(coordinated, "p2", SLUG, "רון אדם", "0532222222")


async def _a_group_of_four(person: Chat) -> None:
    await person.send(f"/start ev_{SLUG}")
    await person.press("להרשמה")
    await person.send("נועה כהן")
    await person.send("050-1234567")
    await person.send("חצרים")
    await person.press("הרשמת קבוצה")
    await person.says("1000", "מספר משתתפים בין 2 ל-40")
    await person.says("4", "השמות של 3 האחרים")
    await person.says("א\nב\nג\nד", "נא לשלוח 3 שמות בסך הכול")  # one too many
    await person.says("אורי, מאיה, " + "י" * 5000, "מתחילים את הרשימה מחדש")
    await person.says("אורי\n  מאיה  ", "קיבלנו 2. עוד 1")  # the rest may follow
    await person.says("יואב", "נשארו רק 3 מקומות", "ובקבוצה 4 משתתפים")


async def test_a_group_of_four_for_three_seats_waits_whole(
    catalog: None, coordinated: Engine, sessions: Sessions
) -> None:
    await _three_seats_left(sessions, coordinated)
    person = Chat(coordinated, address="p3")
    await _a_group_of_four(person)
    await person.press("להמתין יחד")
    assert "👥 קבוצה של 4: אתם, אורי, מאיה, יואב" in person.text
    await person.press("כן, לרשום")
    assert "נכנסתם לרשימת ההמתנה — במקום 1" in person.text
    assert "כל הקבוצה (4) ממתינה יחד" in person.text
    await person.send(f"/start ev_{SLUG}")
    assert "נשארו 3 מקומות" not in person.text  # their card shows their place in line


async def test_a_group_that_may_split_gets_the_three_seats_and_one_ticket_naming_them(
    catalog: None, coordinated: Engine, sessions: Sessions
) -> None:
    await _three_seats_left(sessions, coordinated)
    person = Chat(coordinated, address="p3")
    await _a_group_of_four(person)
    await person.press("להתפצל")
    assert "אפשר להתפצל" in person.text
    await person.press("כן, לרשום")
    assert "היו מקומות ל-3 מהקבוצה" in person.text
    assert "קבוצה של 3: נועה כהן, אורי, מאיה" in person.text
    await person.press("PDF")
    [pdf] = [a for reply in person.replies for a in reply.attachments if a.mime.endswith("pdf")]
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for name in ("נועה כהן", "אורי", "מאיה"):
        assert name in text, name
    assert "יואב" not in text
    await person.send(f"/start ev_{SLUG}")
    assert "ההרשמה שלכם אושרה" in person.text


async def test_deleting_my_data_forgets_my_group_and_my_answers(
    catalog: None, coordinated: Engine, sessions: Sessions
) -> None:
    await _three_seats_left(sessions, coordinated)
    person = Chat(coordinated, address="p3")
    await _a_group_of_four(person)
    await person.press("להמתין יחד")
    await person.press("כן, לרשום")
    await person.send("/privacy")
    await person.press("למחוק את המידע שלי")
    await person.press("כן, למחוק הכול")
    async with sessions() as session:
        guests = list(await session.scalars(select(Registration.guests)))
        assert guests == [[], [], []]  # the two singles, and the group's row without its names
        seats = list(await session.scalars(select(Registration.seats)))
        assert sorted(seats) == [1, 1, 4]
