"""Limits that hold: the messaging tier defers rather than fails, and numbers that cannot
receive (63024) or blocked us (63014) are left alone until they write again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import Reply
from models.outbox import OutboxMessage, OutboxStatus
from models.people import ChannelIdentity, IdentityStatus
from tests.bot.whatsapp.conftest import ALL_TEMPLATES, NOA, StartWhatsApp, WhatsApp, eventually
from tests.bot.whatsapp.test_sender import noa_writes
from tests.bot.whatsapp.test_templates import dispatch, queue, row
from tests.support import Clock

DAN = "whatsapp:+972529876543"


async def identity_status(sessions: async_sessionmaker[AsyncSession], address: str) -> str:
    async with sessions() as session:
        status = await session.scalar(
            select(ChannelIdentity.status).where(ChannelIdentity.address == address)
        )
        return str(status)


async def test_past_the_tier_the_rest_wait_for_the_next_day_instead_of_failing(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with start_whatsapp(templates=ALL_TEMPLATES, tier=1) as whatsapp:
        noa = await noa_writes(whatsapp, sessions)
        dan = await noa_writes(whatsapp, sessions, DAN)
        clock.advance(hours=30)
        rows = [await queue(sessions, clock, who, Reply("עלון השבוע")) for who in (noa, dan)]
        before = len(whatsapp.standin.requests)
        await dispatch(whatsapp, sessions, clock)
        # One notice within the tier of one; the other copy waits a day, not failed or retried.
        assert len(whatsapp.standin.requests) == before + 1
        held, waiting = sorted([await row(sessions, r) for r in rows], key=lambda r: r.status)
        assert held.status == OutboxStatus.HELD
        assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 0)
        assert waiting.not_before == clock() + timedelta(hours=24)

        # A day after the first notice a slot is free again, and the second notice goes.
        clock.advance(hours=24)
        await dispatch(whatsapp, sessions, clock)
        assert len(whatsapp.standin.requests) == before + 2
        assert whatsapp.standin.requests[-1].get("ContentSid") is not None
        assert (await row(sessions, waiting.id)).status == OutboxStatus.HELD


async def test_twilio_saying_the_tier_is_spent_defers_the_message(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        noa = await noa_writes(whatsapp, sessions)
        clock.advance(hours=30)
        row_id = await queue(sessions, clock, noa, Reply("עלון השבוע"))
        whatsapp.standin.fail_next(400, 63018)
        await dispatch(whatsapp, sessions, clock)
    deferred = await row(sessions, row_id)
    assert deferred.status == OutboxStatus.PENDING
    assert deferred.not_before == clock() + timedelta(hours=24)
    assert deferred.last_error is not None and deferred.last_error.startswith("63018")


async def test_an_invalid_number_is_marked_and_later_broadcasts_skip_it_until_it_writes(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    noa = await noa_writes(whatsapp, sessions)
    clock.advance(hours=1)
    refused = await queue(sessions, clock, noa, Reply("עלון השבוע"))
    whatsapp.standin.fail_next(400, 63024)
    await dispatch(whatsapp, sessions, clock)
    assert await identity_status(sessions, NOA) == IdentityStatus.INVALID
    assert (await row(sessions, refused)).status == OutboxStatus.SKIPPED

    before = len(whatsapp.standin.requests)
    later = await queue(sessions, clock, noa, Reply("עלון נוסף"))
    await dispatch(whatsapp, sessions, clock)
    assert len(whatsapp.standin.requests) == before
    assert (await row(sessions, later)).status == OutboxStatus.SKIPPED

    await whatsapp.say("שלום")
    assert await identity_status(sessions, NOA) == IdentityStatus.ACTIVE


async def test_a_block_reported_after_sending_marks_the_identity_and_skips_its_queue(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    noa = await noa_writes(whatsapp, sessions)
    clock.advance(hours=1)
    sent = await queue(sessions, clock, noa, Reply("עלון השבוע"))
    await dispatch(whatsapp, sessions, clock)
    queued = await queue(sessions, clock, noa, Reply("עלון נוסף"))
    sid = (await row(sessions, sent)).provider_id
    assert sid is not None
    params = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "63014"}
    assert (await whatsapp.post("/whatsapp/status", params)).status_code == 200
    await eventually(lambda: identity_status(sessions, NOA), IdentityStatus.BLOCKED)
    async with sessions() as session:
        statuses = dict(
            (await session.execute(select(OutboxMessage.id, OutboxMessage.status))).all()
        )
    assert (statuses[sent], statuses[queued]) == (OutboxStatus.FAILED, OutboxStatus.SKIPPED)
