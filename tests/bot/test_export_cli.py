"""`hagshama export`: the registrations from the command line, the same workbook as in the chat,
or CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.audit import AuditEntry
from tests.handlers.attendees import sign_up
from tests.handlers.coordinators.test_registrations_admin import read_xlsx
from tests.support import Chat, hagshama

MINI = "workshop-mini-demo"


async def test_the_cli_writes_the_same_workbook_the_coordinator_gets_in_the_chat_or_csv(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await sign_up(coordinated, "p1", MINI, "נועה כהן", "050-1234567", home="+מעגן מיכאל")
    await sign_up(coordinated, "p2", MINI, "@דנה לוי", "0521111111")
    await national.send("/registrations")
    await national.press("מושב ניסיון")
    await national.press("ייצוא")
    in_chat = national.replies[0].attachments[0].data

    book = tmp_path / "registrations.xlsx"
    written = hagshama("export", "--event", MINI, "--out", str(book), database_url=database_url)
    assert written.returncode == 0, written.stderr
    assert "2 registrations written" in written.stderr
    assert read_xlsx(book.read_bytes()) == read_xlsx(in_chat)
    assert read_xlsx(in_chat)[1][:3] == ["נועה כהן", "+972501234567", "+מעגן מיכאל"]

    out = tmp_path / "registrations.csv"
    written = hagshama(
        "export", "--event", MINI, "--format", "csv", "--out", str(out), database_url=database_url
    )
    assert written.returncode == 0, written.stderr
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "שם" and rows[1][:3] == ["נועה כהן", "'+972501234567", "'+מעגן מיכאל"]
    assert rows[2][0] == "'@דנה לוי"

    english = hagshama(
        "export", "--event", MINI, "--format", "csv", "--lang", "en", database_url=database_url
    )
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith("\ufeffName,Phone,Kibbutz / town,Status")
    assert "\nנועה כהן,'+972501234567" in english.stdout.replace("\r\n", "\n")

    async with sessions() as session:
        exports = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "registrations.export")
                .order_by(AuditEntry.id)
            )
        )
    assert [e.details["source"] for e in exports] == ["chat", "cli", "cli", "cli"]
    assert [e.details.get("format") for e in exports] == [None, "xlsx", "csv", "csv"]
    assert exports[2].details["out"] == str(out) and exports[3].details["out"] == "stdout"


async def test_an_unknown_event_is_an_error_not_an_empty_file(
    database_url: str, catalog: None, tmp_path: Path
) -> None:
    out = tmp_path / "none.csv"
    result = hagshama(
        "export", "--event", "no-such-event", "--out", str(out), database_url=database_url
    )
    assert result.returncode == 1 and "no event with the slug 'no-such-event'" in result.stderr
    assert not out.exists()
