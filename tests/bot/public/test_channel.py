"""A topic with a Telegram channel: each published bulletin is posted there once (through the
outbox, by the real Telegram sender to the stand-in Bot API) and appears in the archive."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.render import inline_keyboard
from handlers.core.types import Button, Reply
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.catalog_entries import CatalogError
from models.catalog_import import import_catalog
from models.people import Channel, IdentityStatus, mark_blocked
from scheduler.bulletins import publish_due_bulletins
from scheduler.quiet import DEFAULT_QUIET_HOURS
from scheduler.ratelimit import telegram_limiter
from tests.bot.public.conftest import BASE, BOT, CONFIG
from tests.bot.telegram.standin import StandIn
from tests.scheduler.delivery import dispatcher
from tests.support import NOW, OFFERS

CHANNEL = -1001234567890
WEEKDAY_NOON = NOW  # a Monday at noon in Israel: no quiet hours hold the post back


async def _publish(sessions: async_sessionmaker[AsyncSession], title: str) -> int:
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        topic.telegram_channel = str(CHANNEL)
        bulletin = Bulletin(
            topic_id=topic.id,
            content={"he": {"title": title, "body": "נפגשים בחודש הבא בקיבוץ נען."}},
            status=BulletinStatus.SCHEDULED,
            publish_at=WEEKDAY_NOON - timedelta(minutes=1),
        )
        session.add(bulletin)
        await session.flush()
        await publish_due_bulletins(session, WEEKDAY_NOON, CONFIG, DEFAULT_QUIET_HOURS)
        return bulletin.id


async def test_a_published_bulletin_reaches_the_channel_and_the_archive(
    sessions: async_sessionmaker[AsyncSession],
    web: httpx.AsyncClient,
    standin: StandIn,
) -> None:
    number = await _publish(sessions, "כנס גזברים ארצי")
    await dispatcher(sessions, standin.base_url, clock=lambda: WEEKDAY_NOON).run(until_idle=True)

    [post] = standin.sent(CHANNEL)
    text = post.params["text"]
    assert "כנס גזברים ארצי" in text and "נפגשים בחודש הבא" in text
    assert f"{BASE}/b/coop-bulletin/{number}" in text
    assert "הסר" not in text  # readers leave a channel in Telegram itself
    [[button]] = post.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{BOT}?start=tp_coop-bulletin"

    page = await web.get(f"/b/coop-bulletin/{number}")
    assert page.status_code == 200 and "כנס גזברים ארצי" in page.text
    assert "כנס גזברים ארצי" in (await web.get("/b/coop-bulletin/")).text

    # Published once: the scheduler running again posts nothing more.
    async with sessions() as session, session.begin():
        await publish_due_bulletins(session, WEEKDAY_NOON, CONFIG, DEFAULT_QUIET_HOURS)
    await dispatcher(sessions, standin.base_url, clock=lambda: WEEKDAY_NOON).run(until_idle=True)
    assert len(standin.sent(CHANNEL)) == 1


async def test_a_channel_that_refused_the_bot_is_tried_again_with_the_next_bulletin(
    sessions: async_sessionmaker[AsyncSession], standin: StandIn, catalog: None
) -> None:
    await _publish(sessions, "עלון ראשון")
    await dispatcher(sessions, standin.base_url, clock=lambda: WEEKDAY_NOON).run(until_idle=True)
    # As a 403 leaves it (the bot not yet the channel's admin when the first one went).
    async with sessions() as session, session.begin():
        await mark_blocked(session, Channel.TELEGRAM, str(CHANNEL), IdentityStatus.BLOCKED)
    await _publish(sessions, "עלון שני")
    later = WEEKDAY_NOON + timedelta(minutes=1)
    await dispatcher(sessions, standin.base_url, clock=lambda: later).run(until_idle=True)
    titles = [call.params["text"].split("\n")[2] for call in standin.sent(CHANNEL)]
    assert titles == ["עלון ראשון", "עלון שני"]


def test_a_subscribe_link_is_a_url_button_on_telegram() -> None:
    reply = Reply("x", buttons=[[_button("https://t.me/bot?start=tp_x"), _button("tps:1")]])
    keyboard = inline_keyboard(reply)
    assert keyboard is not None
    [[link, press]] = keyboard.inline_keyboard
    assert link.url == "https://t.me/bot?start=tp_x" and link.callback_data is None
    assert press.callback_data == "tps:1" and press.url is None


def _button(payload: str) -> Button:
    return Button("label", payload)


def test_channels_are_paced_at_twenty_a_minute_and_people_at_one_a_second() -> None:
    now = [0.0]
    limiter = telegram_limiter(1000, clock=lambda: now[0])
    waits = [limiter.reserve(str(CHANNEL)) for _ in range(3)]
    assert waits == pytest.approx([0, 3, 6])
    assert limiter.reserve("@kibbutz_news") == 0 and limiter.reserve("@kibbutz_news") == 3
    person = [limiter.reserve("4242") for _ in range(4)]
    assert max(person) <= 1.0


async def test_the_catalogue_names_a_topic_s_channel_and_refuses_a_malformed_one(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "topics:\n  - slug: coop\n    title: {he: עלון}\n    telegram_channel: '@coop_circle'\n",
        encoding="utf-8",
    )
    async with sessions() as session, session.begin():
        await import_catalog(session, good, OFFERS)
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop"))
        assert topic is not None and topic.telegram_channel == "@coop_circle"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "topics:\n  - slug: coop\n    title: {he: עלון}\n    telegram_channel: t.me/x\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="telegram_channel"):
        async with sessions() as session, session.begin():
            await import_catalog(session, bad, OFFERS)
