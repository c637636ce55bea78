"""Coordinators see who registered for their events and take the list away as an Excel-ready CSV."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.registrations_admin import RosterExport, RosterShow
from handlers.coordinators.roster_xlsx import XLSX
from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event
from models.people import Person
from models.registration_service import register
from tests.handlers.attendees import code_of, sign_up
from tests.support import NOW, Chat, Clock

MINI = "workshop-mini-demo"
"""Two seats, in the north: the third to register waits."""


async def _event_id(sessions: async_sessionmaker[AsyncSession], slug: str) -> int:
    async with sessions() as session:
        event_id = await session.scalar(select(Event.id).where(Event.slug == slug))
        assert event_id is not None
        return event_id


async def _audited(sessions: async_sessionmaker[AsyncSession], action: str) -> list[AuditEntry]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return list(rows)


def read_xlsx(data: bytes, rtl: bool = True) -> list[list[object]]:
    """Open the workbook as Excel does; its one sheet reads right to left in Hebrew."""
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.sheet_view.rightToLeft is rtl
    assert all(cell.font.bold for cell in sheet[1])  # the headings, frozen above a filter
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s" and row[6].data_type == "s"  # phone, code: text
        assert row[4].is_date  # registered: a real date Excel sorts and filters
    return [[cell if cell is not None else "" for cell in row] for row in sheet.values]


async def test_a_coordinator_sees_counts_and_names_then_exports_a_csv_excel_opens(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await sign_up(
        coordinated, "p2", MINI, '=HYPERLINK("http://evil.example","לחצו") דנה', "0521111111"
    )
    await sign_up(coordinated, "p3", MINI, 'Yossi, "the" Levi', "0532222222", home="תל אביב")
    clock.now = datetime(2027, 1, 5, 13, 0, tzinfo=UTC)  # at the door, two hours before
    await national.send(f"/checkin {await code_of(sessions, 'נועה כהן')}")

    await national.send("/admin")
    await national.press("הרשמות")
    assert "ההרשמות של איזה אירוע" in national.text
    await national.press("מושב ניסיון")
    assert "מושב ניסיון" in national.text
    assert "מאושרים: 2 · ⏳ בהמתנה: 1" in national.text and "הגיעו: 1" in national.text
    assert "מקומות פנויים: 0" in national.text
    assert "1. נועה כהן · +972501234567 · מאושרת · הגעה: 15:00" in national.text
    assert "3. Yossi" in national.text and "ברשימת המתנה" in national.text

    await national.press("ייצוא")
    [attachment] = national.replies[0].attachments
    assert attachment.mime == XLSX and attachment.filename == f"{MINI}-registrations.xlsx"
    assert "3 שורות" in national.text
    header, *rows = read_xlsx(attachment.data)
    assert header == ["שם", "טלפון", "קיבוץ / יישוב", "סטטוס", "מועד ההרשמה", "מועד ההגעה",
                      "קוד צ'ק־אין"]  # fmt: skip
    # Text cells as typed: the would-be formula is text, not run; the phone keeps its "+".
    assert [row[0] for row in rows] == [
        "נועה כהן",
        '=HYPERLINK("http://evil.example","לחצו") דנה',
        'Yossi, "the" Levi',
    ]
    assert rows[0][1] == "+972501234567" and rows[0][3] == "מאושרת"
    assert isinstance(rows[0][5], datetime)
    assert rows[2][2] == "תל אביב" and rows[2][3] == "ברשימת המתנה" and rows[2][5] == ""

    [export] = await _audited(sessions, "registrations.export")
    assert export.target == f"event:{MINI}" and export.details["rows"] == 3
    assert (await _audited(sessions, "registrations.view"))[0].allowed


async def test_columns_follow_the_coordinators_language(
    catalog: None, coordinated: Engine, national: Chat
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await national.send("/language en")
    await national.send("/registrations")
    await national.press("Trial session")
    assert "Confirmed: 1" in national.text and "Seats left: 1" in national.text
    await national.press("Export")
    header, row = read_xlsx(national.replies[0].attachments[0].data, rtl=False)
    assert header[:4] == ["Name", "Phone", "Kibbutz / town", "Status"]
    assert row[0] == "נועה כהן" and row[3] == "confirmed"


async def test_a_long_list_is_paged_for_the_chat(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        for number in range(1, 46):
            person = Person(name=f"משתתף {number}", phone=f"+9725000000{number:02}")
            session.add(person)
            await session.flush()
            await register(session, event, person.id, NOW)
    await national.send("/registrations")
    await national.press("פורום צפון")
    assert "מאושרים: 40 · ⏳ בהמתנה: 5" in national.text and "עמוד 1 מתוך 3" in national.text
    assert "20. משתתף 20" in national.text and "21." not in national.text
    assert len(national.text) < 4096
    await national.press("הבא")
    await national.press("הבא")
    assert "עמוד 3 מתוך 3" in national.text and "45. משתתף 45" in national.text
    # Previous and next keep their places on every page: next from the last is the first.
    assert national.labels[:2] == ["➡️ הקודם", "הבא ⬅️"]
    await national.press("הקודם")
    assert "עמוד 2 מתוך 3" in national.text
    assert national.labels[:2] == ["➡️ הקודם", "הבא ⬅️"]
    await national.press("הבא")
    await national.press("הבא")
    assert "עמוד 1 מתוך 3" in national.text


async def test_a_regional_coordinator_sees_only_their_events_and_a_forged_button_is_refused(
    catalog: None,
    coordinated: Engine,
    regional: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await sign_up(coordinated, "p1", "forum-south-january", "נועה כהן", "050-1234567")
    await regional.send("/registrations")
    assert "פורום צפון" in " ".join(regional.labels)
    assert not any("פורום דרום" in label for label in regional.labels)

    south = await _event_id(sessions, "forum-south-january")
    await regional.press_payload(RosterShow(south).pack())
    assert "לרכזים בלבד" in regional.text and "נועה כהן" not in regional.text
    await regional.press_payload(RosterExport(south).pack())
    assert "לרכזים בלבד" in regional.text and not regional.replies[0].attachments
    refused = [e for e in await _audited(sessions, "registrations.export") if not e.allowed]
    assert [(e.target, e.details["reason"]) for e in refused] == [
        ("event:forum-south-january", "scope")
    ]


async def test_a_member_pressing_a_forged_export_button_gets_nothing(
    catalog: None, coordinated: Engine, member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567")
    await member.press_payload(RosterExport(await _event_id(sessions, MINI)).pack())
    assert "לרכזים בלבד" in member.text and not member.replies[0].attachments


async def test_a_button_for_an_event_no_longer_there_is_stale(
    catalog: None, national: Chat
) -> None:
    await national.press_payload(RosterShow(99999).pack())
    assert "כבר לא בתוקף" in national.text
