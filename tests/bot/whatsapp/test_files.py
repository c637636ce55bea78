"""Every file the bot sends on WhatsApp is one WhatsApp delivers: Twilio fetches each MediaUrl
and finds a type on its list (PDF tickets and exports, XLSX registrations, PNG posters and
charts), never an .ics, a .csv or a .json."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.people import ChannelIdentity, Person
from models.roles import RoleScope, grant
from tests.bot.whatsapp.conftest import NOA, WhatsApp
from tests.bot.whatsapp.standin import WHATSAPP_MEDIA, Sent
from tests.bot.whatsapp.test_ticket import DOOR, noa_registers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def number_of(sent: Sent, label: str) -> str:
    """The number of the option whose label holds `label`, as the message lists it."""
    [number] = re.findall(rf"^(\d+)\. [^\n]*{re.escape(label)}", sent.body, re.MULTILINE)
    return number


async def choose(whatsapp: WhatsApp, label: str, address: str, count: int = 1) -> list[Sent]:
    last = next(s for s in reversed(whatsapp.standin.to(address)) if s.body)
    return await whatsapp.say(number_of(last, label), address, count=count)


async def test_every_file_sent_on_whatsapp_is_of_a_type_whatsapp_accepts(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await noa_registers(whatsapp)
    await whatsapp.say("/privacy")
    _, export = await choose(whatsapp, "להציג", NOA, count=2)
    assert [f.content_type for f in export.media] == ["application/pdf"]

    await whatsapp.say("שלום", DOOR)
    async with sessions() as session, session.begin():
        coordinator = await session.scalar(
            select(Person).join(ChannelIdentity).where(ChannelIdentity.address == DOOR)
        )
        assert coordinator is not None
        await grant(session, coordinator, RoleScope.NATIONAL)
    await whatsapp.say("/registrations", DOOR)
    await choose(whatsapp, "פורום צפון", DOOR)
    _, roster = await choose(whatsapp, "אקסל", DOOR, count=2)
    [workbook] = roster.media
    assert workbook.content_type == XLSX
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert sheet is not None and sheet.sheet_view.rightToLeft
    assert [cell.value for cell in sheet[2]][:2] == ["נועה כהן", "+972501234567"]

    await whatsapp.say("/qr", DOOR)
    await choose(whatsapp, "אירוע", DOOR)
    await choose(whatsapp, "פורום צפון", DOOR, count=2)
    await whatsapp.say("/stats", DOOR, count=2)

    with_files = [sent for sent in whatsapp.standin.requests if sent.get("MediaUrl")]
    served = sorted({f.content_type for sent in with_files for f in sent.media})
    assert served == sorted(["application/pdf", "image/png", XLSX])
    for sent in with_files:
        assert sent.accepted and not sent.body  # files alone, never with the words
        for fetched in sent.media:
            assert fetched.status == 200 and fetched.content_type in WHATSAPP_MEDIA
