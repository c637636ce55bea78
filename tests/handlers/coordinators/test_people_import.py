"""/import_people: a coordinator sends the role holders' list in the chat, sees what it would do,
and imports it; wrong files get a clear answer; a regional coordinator imports only their
regions' kibbutzim."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import AuditEntry
from models.people import Person
from models.subscriptions import ConsentAction, ConsentRecord
from tests.bot.test_people_cli import LIST, _invite_treasurers
from tests.support import Chat

Sessions = async_sessionmaker[AsyncSession]
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _excel_csv(text: str) -> bytes:
    return ("\ufeff" + text).encode()


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _people(sessions: Sessions) -> dict[str, tuple[str | None, str | None, list[str]]]:
    async with sessions() as session:
        found = await session.scalars(select(Person).where(Person.phone.is_not(None)))
        return {p.phone or "": (p.name, p.kibbutz, list(p.roles or [])) for p in found}


async def test_a_national_coordinator_imports_the_list_sent_in_the_chat(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await national.says("/admin", "📋 ייבוא בעלי תפקידים")
    await national.press("ייבוא בעלי תפקידים")
    assert "CSV או אקסל (XLSX), עד 2 MB ועד 5,000 שורות" in national.text
    await national.says("הנה", "שלחו את הרשימה כקובץ")
    await national.send_media("voice")
    assert "שלחו את הרשימה כקובץ" in national.text  # not the general answer to a recording

    await national.send_file(_excel_csv(LIST), "role-holders.csv", CSV)
    for shown in (
        "שורות ברשימה: 5",
        "אנשים חדשים: 2",
        "מוכרים כבר (יושלמו ויתווספו תפקידים): 0",
        "שורות שלא ייובאו: 3",
        "• שורה 4: הטלפון חסר או שאינו מספר תקין",
        "• שורה 5: קיבוץ לא מוכר",
        "• שורה 6: תפקיד לא מוכר",
        "בהודעת ההצטרפות בוואטסאפ",
    ):
        assert shown in national.text
    assert await _people(sessions) == {}  # nothing before the confirmation
    await national.says("מה?", "בחרו בכפתורים")
    await national.press("לייבא (2)")
    assert "אנשים חדשים: 2. הושלמו: 0. שורות שלא יובאו: 3." in national.text

    people = await _people(sessions)
    assert people["+972501234567"] == ("דנה כהן", "sasa", ["treasurer"])
    assert people["+972527654321"] == ("Yoav Levi", "hatzerim", ["secretary", "treasurer"])
    async with sessions() as session:
        [entry] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "people.import"))
        ).all()
        assert entry.details["source"] == "chat" and entry.details["refused"] == [4, 5, 6]
        assert "+972" not in str(entry.details) and "דנה" not in str(entry.details)
    assert "נמענים עכשיו: 2" in await _invite_treasurers(national, "הזמנה לבעלי תפקידים")
    assert "נמענים עכשיו: 0" in await _invite_treasurers(national, "לפי תפקיד, קיבוץ")

    # The same list again: both known now, nothing imported twice.
    await national.send("/import_people")
    await national.send_file(_excel_csv(LIST), "role-holders.csv", CSV)
    assert "אנשים חדשים: 0" in national.text and "(יושלמו ויתווספו תפקידים): 2" in national.text
    await national.press("לייבא (2)")
    async with sessions() as session:
        imported = select(func.count()).where(ConsentRecord.action == ConsentAction.IMPORTED)
        assert await session.scalar(imported) == 2


async def test_excel_files_in_english_and_in_windows_hebrew_are_read(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await national.send("/language en")
    await national.send("/import_people")
    assert "CSV or Excel (XLSX), up to 2 MB and 5,000 rows" in national.text
    workbook = _workbook(
        [
            ["Full name", "Mobile", "Kibbutz", "Roles"],
            ["Dana Cohen", 501234567, "Sasa", "Treasurer"],  # Excel dropped the leading zero
            [None, None, None, None],
            ["Omri", "053-222-3333", "Kibbutz Nowhere", "treasurer"],
            ["Dana again", "+972501234567", "sasa", "treasurer"],
        ]
    )
    await national.send_file(workbook, "list.xlsx", XLSX)
    for shown in (
        "Rows in the list: 3",
        "New people: 1",
        "• line 4: unknown kibbutz",
        "• line 5: the phone is on an earlier line too",
    ):
        assert shown in national.text, national.text
    await national.press("Import (1)")
    assert (await _people(sessions))["+972501234567"] == ("Dana Cohen", "sasa", ["treasurer"])

    windows = "שם;טלפון;קיבוץ;תפקיד\r\nרון לוי;054-765-4321;חצרים;גזבר/ית\r\n".encode("cp1255")
    await national.send("/import_people")
    await national.send_file(windows, "list.csv", "text/comma-separated-values")
    assert "New people: 1" in national.text, national.text
    await national.press("Import (1)")
    assert (await _people(sessions))["+972547654321"] == ("רון לוי", "hatzerim", ["treasurer"])


async def test_files_that_are_no_list_get_a_clear_answer(catalog: None, national: Chat) -> None:
    await national.send("/import_people")
    answers = {
        "picture": (b"\x89PNG\r\n\x1a\n", "photo.png", "image/png"),
        "empty": (b"\xef\xbb\xbf\r\n", "empty.csv", CSV),
        "headings only": (_excel_csv("שם,טלפון\n"), "list.csv", CSV),
        "no phone": (_excel_csv("name,kibbutz\nDana,sasa\n"), "list.csv", CSV),
        "old excel": (b"\xd0\xcf\x11\xe0" + bytes(500), "list.xls", "application/vnd.ms-excel"),
        "broken workbook": (b"PK\x03\x04 not a workbook", "list.xlsx", XLSX),
        "too many": (_excel_csv("phone\n" + "0501234567\n" * 5001), "big.csv", CSV),
    }
    said = {}
    for name, (data, filename, mime) in answers.items():
        await national.send_file(data, filename, mime)
        said[name] = national.text
    assert said["picture"] == "⚠️ זו לא רשימה: שלחו קובץ CSV או אקסל (XLSX)."
    assert "אין שורות מתחת לכותרות" in said["empty"] and "אין שורות" in said["headings only"]
    assert "לא נמצאה עמודת טלפון" in said["no phone"]
    assert "שמרו אותו כ־CSV" in said["old excel"] and "שמרו אותו כ־CSV" in said["broken workbook"]
    assert "יותר מ־5,000 שורות" in said["too many"]
    await national.send_file(b"phone\n", "huge.csv", CSV, size=3 * 1024 * 1024)
    assert "הקובץ גדול מ־2 MB" in national.text
    # Still waiting for the list; cancelling leaves the flow.
    cancel = national.button("ביטול").payload
    await national.press_payload(cancel)
    assert national.text == "לא יובא דבר."
    await national.press_payload(cancel)  # the flow is over: its buttons are stale
    assert "כבר לא בתוקף" in national.text
    await national.send_file(_excel_csv(LIST), "role-holders.csv", CSV)
    assert "שורות ברשימה" not in national.text


async def test_a_regional_coordinator_imports_only_their_regions_kibbutzim(
    catalog: None, regional: Chat, member: Chat, sessions: Sessions
) -> None:
    await member.says("/import_people", "רכזים")
    await regional.send("/import_people")
    assert "רק אנשים מקיבוצי האזורים שבאחריותכם" in regional.text
    listed = (
        "שם,טלפון,קיבוץ,תפקיד\n"
        "דנה כהן,050-123-4567,סאסא,גזבר/ית\n"
        "Yoav Levi,052-765-4321,hatzerim,treasurer\n"
        "עמרי,053-222-3333,,גזבר/ית\n"
    )
    await regional.send_file(_excel_csv(listed), "north.csv", CSV)
    assert "אנשים חדשים: 1" in regional.text
    assert "• שורה 3: הקיבוץ אינו באזורים שבאחריותכם" in regional.text
    assert "• שורה 4: הקיבוץ אינו באזורים שבאחריותכם" in regional.text
    await regional.press("לייבא (1)")
    assert set(await _people(sessions)) == {"+972501234567"}
