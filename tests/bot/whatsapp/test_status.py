"""Twilio's status callbacks move the outbox row along; a window refusal re-sends by template;
a report that comes before we have stored the message's sid is not lost."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outbox import OutboxMessage, OutboxStatus
from models.reports import EarlyReport
from scheduler.housekeeping import forget_old_records
from tests.bot.whatsapp.conftest import (
    ALL_TEMPLATES,
    NOA,
    TEMPLATE,
    StartWhatsApp,
    WhatsApp,
    eventually,
)
from tests.bot.whatsapp.test_sender import noa_writes, queue_and_dispatch
from tests.scheduler.support import CONFIG, QUIET
from tests.support import Clock


async def report(whatsapp: WhatsApp, sid: str, status: str, **fields: str) -> None:
    params = {"MessageSid": sid, "MessageStatus": status, "To": NOA, **fields}
    response = await whatsapp.post("/whatsapp/status", params)
    assert response.status_code == 200
    await whatsapp.answered()


async def row_state(
    sessions: async_sessionmaker[AsyncSession], row_id: int
) -> tuple[OutboxStatus, str | None, str | None]:
    async with sessions() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row.status, row.provider_id, row.last_error


async def test_delivered_and_read_reports_are_recorded_in_order_only(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    row = await queue_and_dispatch(whatsapp, sessions, clock, await noa_writes(whatsapp, sessions))
    sid = row.provider_id
    assert sid is not None
    await report(whatsapp, sid, "delivered")
    assert await row_state(sessions, row.id) == (OutboxStatus.DELIVERED, sid, None)
    await report(whatsapp, sid, "read")
    # Twilio does not promise order: a late "delivered" or "sent" never moves a row back.
    await report(whatsapp, sid, "delivered")
    await report(whatsapp, sid, "sent")
    assert await row_state(sessions, row.id) == (OutboxStatus.READ, sid, None)


async def test_an_undelivered_report_fails_the_row_with_twilios_error_code(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    row = await queue_and_dispatch(whatsapp, sessions, clock, await noa_writes(whatsapp, sessions))
    assert row.provider_id is not None
    await report(whatsapp, row.provider_id, "undelivered", ErrorCode="30008")
    status, _, error = await row_state(sessions, row.id)
    assert status == OutboxStatus.FAILED
    assert error is not None and error.startswith("30008")


async def test_a_report_for_a_message_outside_the_outbox_is_held_a_day_then_forgotten(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await report(whatsapp, "SM" + "f" * 32, "delivered")
    clock.advance(days=1, seconds=1)
    async with sessions() as session, session.begin():
        assert await forget_old_records(session, clock(), CONFIG, QUIET) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(EarlyReport)) == 0


async def test_a_delivery_reported_before_twilio_answered_our_send_is_recorded(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    # Twilio calls back while our request is still open: the row has no sid to match yet.
    whatsapp.standin.report_before_answering("sent", "delivered")
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    await whatsapp.answered()
    assert await row_state(sessions, row.id) == (OutboxStatus.DELIVERED, row.provider_id, None)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(EarlyReport)) == 0


async def test_an_early_window_refusal_still_sends_the_notice_and_holds_the_message(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        identity = await noa_writes(whatsapp, sessions)
        whatsapp.standin.report_before_answering("failed", ErrorCode="63016")
        # The template is delivered, and that too is reported before Twilio answers.
        whatsapp.standin.report_before_answering("delivered")
        row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
        await whatsapp.answered()
        template = whatsapp.standin.to(NOA)[-1]
        assert template.get("ContentSid") == TEMPLATE
        held = "63016: outside 24h window: notice sent, message held"
        await eventually(
            lambda: row_state(sessions, row.id), (OutboxStatus.HELD, template.sid, held)
        )


async def test_a_window_refusal_sends_the_notice_and_holds_the_message(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        row = await queue_and_dispatch(
            whatsapp, sessions, clock, await noa_writes(whatsapp, sessions)
        )
        first = row.provider_id
        assert first is not None and whatsapp.standin.to(NOA)[-1].get("Body")
        await report(whatsapp, first, "failed", ErrorCode="63016")
        await whatsapp.standin.wait_for(lambda: whatsapp.standin.to(NOA)[-1].sid != first)
        template = whatsapp.standin.to(NOA)[-1]
        assert template.get("ContentSid") == TEMPLATE
        assert json.loads(template.get("ContentVariables") or "{}")["1"].startswith("עלון חדש")
        held = "63016: outside 24h window: notice sent, message held"
        await eventually(
            lambda: row_state(sessions, row.id), (OutboxStatus.HELD, template.sid, held)
        )
        # The notice's own delivery does not count as the message's: it still waits for Noa.
        await report(whatsapp, template.sid, "delivered")
        assert (await row_state(sessions, row.id))[0] == OutboxStatus.HELD


async def test_a_window_refusal_without_a_template_is_recorded(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    row = await queue_and_dispatch(whatsapp, sessions, clock, await noa_writes(whatsapp, sessions))
    assert row.provider_id is not None
    await report(whatsapp, row.provider_id, "failed", ErrorCode="63016")
    expected = "63016: outside 24h window, no template"
    await eventually(
        lambda: row_state(sessions, row.id), (OutboxStatus.FAILED, row.provider_id, expected)
    )
    async with sessions() as session:
        assert len((await session.scalars(select(OutboxMessage))).all()) == 1
