"""A document a coordinator sends on WhatsApp reaches the step that asked for it: Twilio's
MediaUrl fetched with the account's credentials, through its redirect to the media store."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.people import ChannelIdentity, Person
from models.roles import RoleScope, grant
from tests.bot.test_people_cli import LIST
from tests.bot.whatsapp.conftest import WhatsApp

DOOR = "whatsapp:+972529999999"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_role_holders_list_sent_on_whatsapp_is_fetched_and_imported(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await whatsapp.say("שלום", DOOR)
    async with sessions() as session, session.begin():
        coordinator = await session.scalar(
            select(Person).join(ChannelIdentity).where(ChannelIdentity.address == DOOR)
        )
        assert coordinator is not None
        await grant(session, coordinator, RoleScope.NATIONAL)
    standin = whatsapp.standin
    await whatsapp.say("/import_people", DOOR)
    # WhatsApp has no .csv type of its own: phones send it as text/csv or as Excel's.
    media = standin.sent_media(("\ufeff" + LIST).encode(), "text/csv")
    [preview] = await whatsapp.say("", DOOR, **media)
    assert "שורות ברשימה: 5" in preview.body and "אנשים חדשים: 2" in preview.body
    assert standin.media_requests == [(media["MediaUrl0"], True)]
    [done] = await whatsapp.say("1", DOOR)
    assert "אנשים חדשים: 2" in done.body

    # A file Twilio no longer has: a plain answer, the flow still waiting.
    await whatsapp.say("/import_people", DOOR)
    gone = {**media, "MediaUrl0": media["MediaUrl0"].rsplit("/", 1)[0] + "/ME0"}
    [sorry] = await whatsapp.say("", DOOR, **gone)
    assert "לא הצלחנו להוריד את הקובץ" in sorry.body

    # A URL elsewhere never gets our credentials.
    elsewhere = {**media, "MediaUrl0": "http://127.0.0.1:9/2010-04-01/x"}
    [sorry] = await whatsapp.say("", DOOR, **elsewhere)
    assert "לא הצלחנו להוריד את הקובץ" in sorry.body
    assert len(standin.media_requests) == 2
