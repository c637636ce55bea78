"""Proactive messages are queued once per dedupe key and keep everything needed to send them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import Attachment, Button, Reply, reply_from_payload, reply_to_payload
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, enqueue, to_one
from models.people import Channel, identify
from tests.support import NOW


async def test_the_same_reminder_is_queued_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    reply = Reply(
        "תזכורת: מחר ביום העיון",
        buttons=[[Button("ביטול הרשמה", "c:1")]],
        attachments=[Attachment("event.ics", "text/calendar", b"BEGIN:VCALENDAR")],
    )
    async with sessions() as session, session.begin():
        identity = await identify(session, Channel.TELEGRAM, "1001", None, NOW)
        payload = reply_to_payload(reply)
        first = await enqueue(
            session,
            to_one(identity.id, "reminder:1:1440"),
            OutboxKind.REMINDER,
            payload,
            priority=Priority.REMINDER,
        )
        again = await enqueue(
            session,
            to_one(identity.id, "reminder:1:1440"),
            OutboxKind.REMINDER,
            payload,
            priority=Priority.REMINDER,
        )
    assert (first, again) == (1, 0)
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert len(rows) == 1 and rows[0].status == OutboxStatus.PENDING
    assert reply_from_payload(rows[0].payload) == reply
