""" "I'm interested": only what is missing is asked, consent is recorded, and the lead reaches
the track's coordinators with the phone and whether the channel vouched for it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from handlers.people.tracks import TrackOpen
from models.catalog import Track
from models.people import Channel, person_at
from models.questions import Thread, ThreadKind
from models.registrations import Lead
from models.roles import RoleScope, grant
from tests.support import Chat

pytestmark = pytest.mark.usefixtures("catalog")


async def open_card(chat: Chat, sessions: async_sessionmaker[AsyncSession], slug: str) -> None:
    async with sessions() as session:
        track_id = await session.scalar(select(Track.id).where(Track.slug == slug))
        assert track_id is not None
    await chat.press_payload(TrackOpen(track_id).pack())


async def test_a_lead_from_whatsapp_carries_the_verified_number_to_the_tracks_coordinator(
    coordinated: Engine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id="9004")
        await grant(session, person, RoleScope.REGIONAL, tracks=["garin-tzabar"])
    coordinator = Chat(coordinated, address="9004", channel=Channel.TELEGRAM)
    noa = Chat(coordinated, address="whatsapp:+972501234567", channel=Channel.WHATSAPP)
    await open_card(noa, sessions, "garin-tzabar")
    await noa.press("מעניין אותי")
    await noa.says("\u200f\u200f ", "השם המלא", absent=("לא הבנו",))
    await noa.says("נועה לוי", "לספר משהו לצוות", absent=("מספר הנייד",))
    await noa.says("אפשר אחרי 17:00", "+972501234567", "📝 אפשר אחרי 17:00")
    await noa.press("כן, שייצרו")
    async with sessions() as session:
        lead = await session.scalar(select(Lead))
        thread = await session.scalar(select(Thread))
        assert lead is not None and thread is not None
    assert (lead.name, lead.phone, lead.phone_verified, lead.note) == (
        "נועה לוי",
        "+972501234567",
        True,
        "אפשר אחרי 17:00",
    )
    assert lead.consent_at is not None
    assert (thread.kind, thread.lead_id) == (ThreadKind.LEAD, lead.id)
    await coordinator.send("/inbox")
    assert "התעניינות ממתינה: 1" in coordinator.text
    await coordinator.press("🙋")
    assert "נועה לוי" in coordinator.text and "+972501234567 (✔️ מאומת)" in coordinator.text


async def test_a_typed_phone_is_marked_unverified_and_declining_leaves_nothing(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, sessions, "mechinot")
    await chat.press("מעניין אותי")
    await chat.says("דנה", "מספר הנייד")
    await chat.says("12", "לא נראה כמו מספר טלפון")
    await chat.says("050-7654321", "לספר משהו")
    await chat.press("לדלג")
    await chat.press("לא עכשיו")
    assert "לא נעביר את הפרטים" in chat.text
    async with sessions() as session:
        assert await session.scalar(select(Lead)) is None
        assert await session.scalar(select(Thread)) is None
    await chat.press("מעניין אותי")
    await chat.says("דנה", "מספר הנייד")  # declining kept nothing, so it is asked again
    await chat.send("050-7654321")
    await chat.press("לדלג")
    await chat.press("כן, שייצרו")
    async with sessions() as session:
        lead = await session.scalar(select(Lead))
        assert lead is not None and (lead.phone, lead.phone_verified) == ("+972507654321", False)
