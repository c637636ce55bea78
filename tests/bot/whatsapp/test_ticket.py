"""The ticket on WhatsApp: a PDF anyone can open, whose QR code checks its holder in when a
coordinator scans it, and a confirmation whose code arrives even when the file does not."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.people import ChannelIdentity, Person
from models.registrations import Registration
from models.roles import RoleScope, grant
from tests.bot.whatsapp.conftest import NOA, WhatsApp, eventually
from tests.bot.whatsapp.standin import Sent
from tests.support import Clock

DOOR = "whatsapp:+972541112233"
AT_THE_DOOR = datetime(2027, 1, 19, 15, 30, tzinfo=UTC)
"""The northern forum opens its doors (17:30 in Israel; it starts at 18:00)."""
"""The coordinator at the door."""


async def noa_registers(whatsapp: WhatsApp) -> tuple[Sent, Sent]:
    """Noa registers for the northern forum; returns the confirmation and the ticket."""
    await whatsapp.say("/start ev_forum-north-january")
    for answer in ("1", "נועה כהן", "יזרעאל"):
        await whatsapp.say(answer)
    done, ticket = await whatsapp.say("1", count=2)
    return done, ticket


def scanned_text(pdf: bytes) -> str:
    """What a phone's camera reads from the ticket's QR code: the message wa.me pre-fills."""
    [image] = PdfReader(io.BytesIO(pdf)).pages[0].images
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    link = urlparse(code.text)
    assert (link.scheme, link.netloc) == ("https", "wa.me")
    return parse_qs(link.query)["text"][0]


async def test_the_ticket_is_a_pdf_in_hebrew_with_the_code_as_text_and_as_a_qr_code(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, ticket = await noa_registers(whatsapp)
    [pdf] = ticket.media
    assert pdf.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    async with sessions() as session:
        registration = await session.scalar(select(Registration))
        assert registration is not None
    for expected in ("פורום צפון", "נועה כהן", "ינואר", "כרטיס כניסה", registration.checkin_code):
        assert expected in text, expected
    assert scanned_text(pdf.data) == f"/start ci_{registration.checkin_code}"


async def test_a_coordinator_scanning_the_ticket_checks_noa_in_anyone_else_learns_nothing(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    _, ticket = await noa_registers(whatsapp)
    scanned = scanned_text(ticket.media[0].data)
    code = scanned.removeprefix("/start ci_")

    # A stranger (or Noa herself) scanning it is told it is a ticket: no name, no event.
    [stranger] = await whatsapp.say(scanned, "whatsapp:+972509990000")
    assert "כרטיס כניסה" in stranger.body
    assert "נועה כהן" not in stranger.body and "פורום" not in stranger.body

    clock.now = AT_THE_DOOR
    await whatsapp.say("שלום", DOOR)
    async with sessions() as session, session.begin():
        coordinator = await session.scalar(
            select(Person).join(ChannelIdentity).where(ChannelIdentity.address == DOOR)
        )
        assert coordinator is not None
        await grant(session, coordinator, RoleScope.NATIONAL)
    [at_the_door] = await whatsapp.say(scanned, DOOR)
    [typed] = await whatsapp.say(f"/checkin {code}", DOOR)
    assert "נועה כהן" in at_the_door.body and "1 מתוך 1" in at_the_door.body
    # Scanning gives what /checkin CODE gives: the second time, that she is already in.
    [again] = await whatsapp.say(scanned, DOOR)
    assert again.body == typed.body
    async with sessions() as session:
        registration = await session.scalar(select(Registration))
        assert registration is not None and registration.checked_in_at is not None


async def test_a_ticket_twilio_refuses_still_leaves_noa_with_her_code_and_is_recorded(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await whatsapp.say("/start ev_forum-north-january")
    for answer in ("1", "נועה כהן", "יזרעאל"):
        await whatsapp.say(answer)
    whatsapp.standin.fail_next_media(400, 63019)
    before = len(whatsapp.standin.requests)
    await whatsapp.inbound("1")
    await whatsapp.standin.wait_for(lambda: len(whatsapp.standin.requests) >= before + 2)
    text, refused = whatsapp.standin.requests[before : before + 2]
    async with sessions() as session:
        registration = await session.scalar(select(Registration))
        assert registration is not None
    assert text.accepted and registration.checkin_code in text.body
    assert not refused.accepted and refused.get("MediaUrl") and not refused.body

    async def recorded() -> tuple[str, str] | None:
        async with sessions() as session:
            row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.REPLY)
            )
            return (row.status, (row.last_error or "")[:5]) if row else None

    await eventually(recorded, (OutboxStatus.FAILED, "63019"))


async def test_noa_asks_for_her_calendar_again_and_gets_the_links(
    whatsapp: WhatsApp,
) -> None:
    done, _ = await noa_registers(whatsapp)
    await whatsapp.say("/my")
    await whatsapp.say("1")
    [card] = whatsapp.standin.to(NOA)[-1:]
    assert "📆 הוספה ליומן" in card.body
    [links] = await whatsapp.say("📆 הוספה ליומן")
    assert "/calendar/" in links.body and links.get("MediaUrl") is None
    assert links.body.split("/calendar/")[1][:30] == done.body.split("/calendar/")[1][:30]
