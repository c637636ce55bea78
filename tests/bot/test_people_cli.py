"""`hagshama people import`: role holders from a coordinator's CSV are invited to events, by
the opt-in template only, and get no marketing until they agree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import AuditEntry
from models.people import Channel, ChannelIdentity, Person
from models.subscriptions import ConsentAction, ConsentRecord
from tests.support import Chat, hagshama

Sessions = async_sessionmaker[AsyncSession]
LIST = (
    "שם,טלפון,קיבוץ,תפקיד\n"
    "דנה כהן,050-123-4567,סאסא,גזבר/ית\n"
    "Yoav Levi,+972 52 765 4321,hatzerim,treasurer;secretary\n"
    "רון,12345,סאסא,גזבר/ית\n"
    "מאיה,054-000-1111,קיבוץ שאינו קיים,גזבר/ית\n"
    "עמרי,053-222-3333,,נהג/ת\n"
)


def _write(tmp_path: Path, text: str = LIST) -> str:
    path = tmp_path / "role-holders.csv"
    path.write_bytes(("\ufeff" + text).encode())  # as Excel saves "CSV UTF-8"
    return str(path)


async def _invite_treasurers(chat: Chat, kind: str) -> str:
    await chat.send("/broadcast")
    await chat.send("הזמנה לכנס גזברים")
    await chat.press("בלי נוסח באנגלית")
    await chat.press("בלי קישור")
    await chat.press(kind)
    await chat.press("תפקיד: הכול")
    await chat.press("גזבר/ית")
    return chat.text


async def test_imported_treasurers_are_invited_but_get_no_marketing(
    catalog: None, database_url: str, tmp_path: Path, sessions: Sessions, national: Chat
) -> None:
    result = hagshama("people", "import", _write(tmp_path), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "2 role holders added, 0 updated" in result.stdout
    assert "line 4: unknown or missing phone" in result.stdout
    assert "line 5: unknown or missing kibbutz" in result.stdout
    assert "line 6: unknown or missing role" in result.stdout
    assert "050" not in result.stdout and "דנה" not in result.stdout
    async with sessions() as session:
        dana = await session.scalar(select(Person).where(Person.phone == "+972501234567"))
        assert dana is not None
        assert (dana.name, dana.kibbutz, dana.roles) == ("דנה כהן", "sasa", ["treasurer"])
        [identity] = (
            await session.scalars(
                select(ChannelIdentity.address).where(ChannelIdentity.person_id == dana.id)
            )
        ).all()
        assert identity == "whatsapp:+972501234567"
        [entry] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "people.import"))
        ).all()
        assert len(entry.details["created"]) == 2 and entry.details["refused"] == [4, 5, 6]
        assert "+972" not in str(entry.details)

    assert "נמענים עכשיו: 0" in await _invite_treasurers(national, "לפי תפקיד, קיבוץ")
    assert "נמענים עכשיו: 2" in await _invite_treasurers(national, "הזמנה לבעלי תפקידים")
    await national.press("לתצוגה מקדימה (2)")
    assert "נמענים: 2" in national.text and "תבנית ההצטרפות" in national.text

    # Importing the list again adds no one and records nothing twice.
    again = hagshama("people", "import", _write(tmp_path), database_url=database_url)
    assert "0 role holders added, 2 updated" in again.stdout
    async with sessions() as session:
        imported = select(func.count()).where(ConsentRecord.action == ConsentAction.IMPORTED)
        assert await session.scalar(imported) == 2
        assert await session.scalar(select(func.count()).select_from(Person)) >= 2


async def test_an_imported_person_who_says_stop_is_invited_no_more(
    catalog: None, database_url: str, tmp_path: Path, national: Chat
) -> None:
    hagshama("people", "import", _write(tmp_path), database_url=database_url)
    dana = Chat(national.engine, address="whatsapp:+972501234567", channel=Channel.WHATSAPP)
    await dana.send("הסר")
    assert "נמענים עכשיו: 1" in await _invite_treasurers(national, "הזמנה לבעלי תפקידים")


async def test_a_file_without_a_phone_column_is_refused_plainly(
    database_url: str, tmp_path: Path
) -> None:
    result = hagshama(
        "people", "import", _write(tmp_path, "name,kibbutz\nDana,sasa\n"), database_url=database_url
    )
    assert result.returncode == 2 and "no phone column" in result.stderr
