"""An invitation to a role holder a coordinator imported goes as the WhatsApp opt-in template
only, the message itself held until they answer; a marketing broadcast does not go at all."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import Reply, reply_to_payload
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, enqueue, to_one
from models.people import ChannelIdentity
from models.role_file import Row
from models.role_import import import_role_holders
from tests.bot.whatsapp.conftest import ALL_TEMPLATES, NOA, TEMPLATE, StartWhatsApp
from tests.bot.whatsapp.test_templates import dispatch, row
from tests.support import Clock

INVITATION = Reply("📣 הזמנה לכנס גזברים ביום חמישי בקיבוץ סאסא")


async def _import_noa(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Noa, a treasurer, from a coordinator's list; returns her WhatsApp identity."""
    async with sessions() as session, session.begin():
        rows = [Row(2, "נועה", "050-123-4567", "sasa", "treasurer")]
        result = await import_role_holders(session, rows, now)
        assert result.created and not result.refused
        identity = await session.scalar(
            select(ChannelIdentity.id).where(ChannelIdentity.address == NOA)
        )
        assert identity is not None
        return identity


async def _queue(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, identity: int, kind: OutboxKind
) -> int:
    async with sessions() as session, session.begin():
        await enqueue(
            session,
            to_one(identity, f"test:{uuid.uuid4().hex}"),
            kind,
            reply_to_payload(INVITATION),
            priority=Priority.BULK,
            not_before=clock(),
        )
        found = await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        assert found is not None
        return found


async def test_an_imported_treasurer_gets_the_invitation_as_the_template_and_no_marketing(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    identity = await _import_noa(sessions, clock())
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        marketing = await _queue(sessions, clock, identity, OutboxKind.BROADCAST)
        invitation = await _queue(sessions, clock, identity, OutboxKind.INVITATION)
        await dispatch(whatsapp, sessions, clock)
        [notice] = whatsapp.standin.to(NOA)
        assert notice.get("ContentSid") == TEMPLATE and notice.get("Body") is None
        assert (await row(sessions, invitation)).status == OutboxStatus.HELD
        refused = await row(sessions, marketing)
        assert refused.status == OutboxStatus.FAILED
        assert refused.last_error == "no recorded consent for proactive messages"


async def test_writing_to_us_is_not_consent_the_invitation_still_goes_as_the_template(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    identity = await _import_noa(sessions, clock())
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        await whatsapp.say("שלום")  # her 24-hour window is open now
        invitation = await _queue(sessions, clock, identity, OutboxKind.INVITATION)
        await dispatch(whatsapp, sessions, clock)
        last = whatsapp.standin.to(NOA)[-1]
        assert last.get("ContentSid") == TEMPLATE and last.get("Body") is None
        assert (await row(sessions, invitation)).status == OutboxStatus.HELD
