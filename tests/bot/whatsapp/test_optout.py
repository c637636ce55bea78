"""Opt-out keywords work on WhatsApp in Hebrew and English."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from locales import gettext
from models.subscriptions import Subscription, SubscriptionStatus
from tests.bot.whatsapp.conftest import WhatsApp
from tests.bot.whatsapp.test_sender import noa_writes


async def subscriptions(sessions: async_sessionmaker[AsyncSession]) -> list[SubscriptionStatus]:
    async with sessions() as session:
        return list((await session.scalars(select(Subscription.status))).all())


async def test_hasser_stops_every_bulletin(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await noa_writes(whatsapp, sessions)
    assert await subscriptions(sessions) == [SubscriptionStatus.ACTIVE]
    [done] = await whatsapp.say("הסר")
    assert done.body == gettext("he", "optout.done")
    assert await subscriptions(sessions) == [SubscriptionStatus.UNSUBSCRIBED]


async def test_stop_in_english_works_too(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await noa_writes(whatsapp, sessions)
    [done] = await whatsapp.say("STOP")
    assert done.body == gettext("he", "optout.done")
    assert await subscriptions(sessions) == [SubscriptionStatus.UNSUBSCRIBED]
