"""Registering for an event over WhatsApp: numbered menus, answers by number or by label."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.conversation import ConversationState
from models.people import Channel, ChannelIdentity, Person
from models.registrations import Registration, RegistrationStatus
from tests.bot.whatsapp.conftest import NOA, WhatsApp


async def test_noa_registers_from_a_poster_link_over_whatsapp(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    [card] = await whatsapp.say("/start ev_forum-north-january")
    assert "פורום צפון לחשיבה שיתופית" in card.body
    assert "1. ✅ להרשמה\n2. 📅 חזרה לאירועים" in card.body

    [ask_name] = await whatsapp.say("1")
    assert "השם המלא" in ask_name.body
    [again] = await whatsapp.say("🙂")
    assert "באותיות" in again.body
    # WhatsApp already tells us the number: no need to ask for it.
    [ask_home] = await whatsapp.say("נועה כהן")
    assert "קיבוץ או עיר" in ask_home.body
    [summary] = await whatsapp.say("יזרעאל")
    assert "📞 +972501234567" in summary.body
    assert "1. ✅ כן, לרשום אותי" in summary.body

    done, ticket = await whatsapp.say("✅ כן, לרשום אותי", count=2)
    async with sessions() as session:
        registration = await session.scalar(select(Registration))
        assert registration is not None
        assert registration.status == RegistrationStatus.CONFIRMED
        person = await session.get(Person, registration.person_id)
        assert person is not None and person.name == "נועה כהן"
        identity = await session.scalar(select(ChannelIdentity))
        assert identity is not None
        assert (identity.channel, identity.address) == (Channel.WHATSAPP, NOA)
        assert identity.display_name == "Noa"
    # The code is a message of its own; the ticket, a PDF, comes in a call of its own after it.
    assert f"קוד הצ'ק־אין שלכם: {registration.checkin_code}" in done.body
    assert "1. 📅 חזרה לאירועים" in done.body
    assert done.get("MediaUrl") is None
    assert not ticket.body and [f.content_type for f in ticket.media] == ["application/pdf"]

    # The calendar entry is a link to our own .ics, and Google Calendar's page.
    [ics_url] = re.findall(r"https?://\S+\.ics", done.body)
    assert ics_url.startswith(whatsapp.url + "/calendar/")
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in done.body
    async with httpx.AsyncClient() as client:
        calendar = await client.get(ics_url)
        guessed = await client.get(whatsapp.url + "/calendar/guess.ics")
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in calendar.content
    assert registration.checkin_code.encode() in calendar.content
    assert guessed.status_code == 404


async def test_a_message_twilio_delivers_twice_is_answered_once(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    fields = {"MessageSid": "SM" + "d" * 32}
    await whatsapp.say("/start ev_forum-north-january", **fields)
    await whatsapp.say("1")
    assert len(whatsapp.standin.to(NOA)) == 2
    # The redelivery arrives late; answering it again would reset Noa's registration.
    await whatsapp.inbound("/start ev_forum-north-january", **fields)
    [ask_home] = await whatsapp.say("נועה כהן")
    assert "קיבוץ או עיר" in ask_home.body
    assert len(whatsapp.standin.to(NOA)) == 3


async def test_long_replies_are_split_under_twilios_limit_and_media_is_answered(
    whatsapp: WhatsApp,
) -> None:
    [reply] = await whatsapp.say("", NumMedia="1", MediaContentType0="image/jpeg")
    assert reply.body  # a clear answer, in words, that pictures are not understood
    sent = await whatsapp.say("א" * 5000)
    assert all(len(message.body) <= 1600 for message in sent)


async def test_a_quick_reply_payload_counts_as_pressing_the_button(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await whatsapp.say("/start ev_forum-north-january")
    async with sessions() as session:
        [menu] = (await session.scalars(select(ConversationState.menu))).all()
    register = menu[0][1]
    [ask_name] = await whatsapp.say("Register", ButtonPayload=register)
    assert "השם המלא" in ask_name.body
