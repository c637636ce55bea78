"""The response team hears of new items at decent hours, and of items left waiting 48 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from models.outbox import OutboxKind
from models.people import Channel, ChannelIdentity
from models.questions import Thread
from scheduler.digest import send_weekly_digest
from scheduler.team import push_new_items, raise_overdue
from tests.conftest import NATIONAL_ID, REGIONAL_ID
from tests.scheduler.support import QUIET, Sessions, outbox
from tests.support import Chat, Clock

pytestmark = pytest.mark.usefixtures("catalog")
ISRAEL = ZoneInfo("Asia/Jerusalem")
ADMINS = EngineConfig(admin_addresses=frozenset({NATIONAL_ID}))


async def ask(engine: Engine, text: str, region: str) -> None:
    person = Chat(engine, address="whatsapp:+972501111111", channel=Channel.WHATSAPP)
    await person.send(f"/ask {text}")
    await person.press(region)


async def push(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await push_new_items(session, now, ADMINS, QUIET)


async def raised(sessions: Sessions, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await raise_overdue(session, now, ADMINS, QUIET)


async def address_of(sessions: Sessions, identity_id: int) -> str:
    async with sessions() as session:
        found = await session.scalar(
            select(ChannelIdentity.address).where(ChannelIdentity.id == identity_id)
        )
        assert found is not None
        return found


async def test_a_new_question_goes_to_its_regions_coordinator_once(
    coordinated: Engine, regional: Chat, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await national.send("/menu")
    await ask(coordinated, "יש חניה בפורום הצפון?", "צפון")
    assert await push(sessions, clock()) == 1
    assert await push(sessions, clock()) == 0
    (alert,) = await outbox(sessions, OutboxKind.TEAM_ALERT)
    assert await address_of(sessions, alert.identity_id) == REGIONAL_ID
    assert alert.not_before == clock()
    text = reply_from_payload(alert.payload).text
    assert "יש חניה בפורום הצפון?" in text and "/inbox" in text


async def test_a_question_no_region_covers_goes_to_the_national_coordinators(
    coordinated: Engine, regional: Chat, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await national.send("/menu")
    await ask(coordinated, "האם יש ארוחת צהריים?", "לא משנה")
    assert await push(sessions, clock()) == 1
    (alert,) = await outbox(sessions, OutboxKind.TEAM_ALERT)
    assert await address_of(sessions, alert.identity_id) == NATIONAL_ID


async def test_a_question_at_night_or_on_shabbat_waits_for_the_morning_after(
    coordinated: Engine, regional: Chat, sessions: Sessions, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 27, 18, 0, tzinfo=ISRAEL)  # Friday evening: Shabbat
    await ask(coordinated, "יש חניה בפורום הצפון?", "צפון")
    await push(sessions, clock())
    (alert,) = await outbox(sessions, OutboxKind.TEAM_ALERT)
    sent_at = alert.not_before.astimezone(ISRAEL)
    assert sent_at.date().isoformat() == "2026-11-28" and sent_at.hour >= 17  # after havdalah


async def test_an_item_unanswered_for_48_hours_is_raised_once_and_in_the_digest(
    coordinated: Engine, regional: Chat, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await national.send("/menu")
    await ask(coordinated, "יש חניה בפורום הצפון?", "צפון")
    asked = clock()
    assert await raised(sessions, asked + timedelta(hours=47)) == 0
    assert await raised(sessions, asked + timedelta(hours=49)) == 1
    assert await raised(sessions, asked + timedelta(hours=50)) == 0
    alerts = [a for a in await outbox(sessions, OutboxKind.TEAM_ALERT) if "48" in str(a.payload)]
    assert [await address_of(sessions, a.identity_id) for a in alerts] == [NATIONAL_ID]
    async with sessions() as session, session.begin():
        thread_id = await session.scalar(select(Thread.id))
        sunday = datetime(2026, 11, 29, 9, 30, tzinfo=ISRAEL)
        await send_weekly_digest(session, sunday, ADMINS, QUIET)
    digests = [reply_from_payload(d.payload).text for d in await outbox(sessions, "digest")]
    assert digests and all(f"#{thread_id}" in text for text in digests)


async def test_the_persons_reply_goes_back_to_whoever_holds_the_item(
    coordinated: Engine, regional: Chat, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await national.send("/menu")
    person = Chat(coordinated, address="whatsapp:+972501111111", channel=Channel.WHATSAPP)
    await person.send("/ask יש חניה בפורום הצפון?")
    await person.press("צפון")
    await push(sessions, clock())
    await regional.send("/inbox")
    await regional.press("חניה")
    await regional.press("לענות")
    await regional.send("יש, ליד חדר האוכל")
    clock.advance(hours=1)
    await person.send("/my")
    await person.press("להשיב")
    await person.says("ומה עם נגישות לכיסא גלגלים?", "צורפה לשיחה")
    assert await push(sessions, clock()) == 1
    alerts = await outbox(sessions, OutboxKind.TEAM_ALERT)
    assert [await address_of(sessions, a.identity_id) for a in alerts] == [REGIONAL_ID] * 2
