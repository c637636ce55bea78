"""The response team across channels: a person asks on WhatsApp, a regional coordinator answers
on Telegram, and the answer reaches WhatsApp — as text inside the 24-hour window, as the
approved notice and then in full after the person writes outside it. A coordinator of another
region never sees the question and is refused (and audited) when forging its button.

Both platforms are stand-ins behind real HTTP: Twilio's (`twilio`) and the Bot API's
(`standin`); our WhatsApp webhook and inbox worker serve the person, python-telegram-bot parses
the coordinator's updates and sends our answers, and the outbox dispatcher delivers."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.metrics import Metrics
from bot.telegram.channel import TelegramChannel
from bot.telegram.sender import TelegramSender, outbox_bot
from bot.whatsapp.templates import Templates
from handlers.coordinators.inbox import InboxOpen
from handlers.core.engine import Engine
from handlers.core.types import TemplateKind
from models.audit import AuditEntry
from models.inbox import Claimed
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.people import Channel, person_at
from models.questions import Thread
from models.roles import RoleScope, grant
from scheduler.dispatcher import Dispatcher
from tests.bot.telegram.standin import TOKEN, Json
from tests.bot.telegram.standin import StandIn as TelegramStandIn
from tests.bot.whatsapp.conftest import NOA, TEMPLATE, WhatsApp, eventually, serve_whatsapp
from tests.bot.whatsapp.standin import StandIn as TwilioStandIn
from tests.support import Clock

pytestmark = pytest.mark.usefixtures("catalog")
NORTH, SOUTH = 9002, 9003
_entries = itertools.count(1)


class Telegram:
    """A coordinator's Telegram chat, answered by our Telegram channel as the worker would."""

    def __init__(self, standin: TelegramStandIn, engine: Engine) -> None:
        self.standin = standin
        self.bot = Bot(TOKEN, base_url=standin.base_url)
        self.channel = TelegramChannel(engine, Metrics(), self.bot)

    async def update(self, chat_id: int, update: Json) -> str:
        """Answer one update; returns what the bot sent back, as one text."""
        before = len(self.standin.sent(chat_id))
        entry = Claimed(next(_entries), "telegram", "update", str(chat_id), update, 0)
        await self.channel.answer(entry)
        return "\n".join(
            str(call.params.get("text")) for call in self.standin.sent(chat_id)[before:]
        )

    async def says(self, chat_id: int, text: str) -> str:
        return await self.update(chat_id, self.standin.message(chat_id, text))

    async def presses(self, chat_id: int, label: str) -> str:
        return await self.update(chat_id, self.standin.press(chat_id, label))

    async def forges(self, chat_id: int, payload: str) -> str:
        """Press a button that was never shown in this chat."""
        message = next(
            m for (chat, _), m in reversed(self.standin.messages.items()) if chat == chat_id
        )
        query = {
            "id": "forged",
            "from": self.standin.user(chat_id),
            "chat_instance": str(chat_id),
            "message": message,
            "data": payload,
        }
        return await self.update(chat_id, self.standin.update(callback_query=query))


@pytest_asyncio.fixture
async def whatsapp(twilio: TwilioStandIn, coordinated: Engine) -> AsyncIterator[WhatsApp]:
    templates = Templates({TemplateKind.NOTICE: {"*": TEMPLATE}})
    async with serve_whatsapp(twilio, coordinated, templates=templates) as running:
        yield running


@pytest_asyncio.fixture
async def telegram(
    standin: TelegramStandIn, coordinated: Engine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Telegram]:
    async with sessions() as session, session.begin():
        for chat_id, region in ((NORTH, "north"), (SOUTH, "south")):
            person = await person_at(session, telegram_id=str(chat_id))
            await grant(session, person, RoleScope.REGIONAL, regions=[region])
    chat = Telegram(standin, coordinated)
    yield chat
    await chat.bot.shutdown()


async def deliver(
    whatsapp: WhatsApp,
    standin: TelegramStandIn,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    """What the outbox holds goes out now, on each person's channel."""
    telegram = TelegramSender(outbox_bot(TOKEN, standin.base_url))
    stored = {Channel.WHATSAPP: whatsapp.channel.status.catch_up}
    senders = [whatsapp.channel.sender, telegram]
    await Dispatcher(sessions, senders, clock=clock, stored=stored).run(until_idle=True)
    await telegram.bot.shutdown()


async def answer_status(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    """Where the latest answer queued for the person stands."""
    async with sessions() as session:
        return await session.scalar(
            select(OutboxMessage.status)
            .where(OutboxMessage.kind == OutboxKind.TEAM_ANSWER)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )


async def test_asked_on_whatsapp_answered_on_telegram_inside_and_outside_the_window(
    whatsapp: WhatsApp,
    telegram: Telegram,
    standin: TelegramStandIn,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await whatsapp.say("/ask")
    (asked,) = await whatsapp.say("יש הסעה מחיפה לפורום של הצפון?")
    assert "לאיזה אזור" in asked.body
    (sent, _menu) = await whatsapp.say("1", count=2)
    assert "רכזי אזור צפון" in sent.body

    south = await telegram.says(SOUTH, "/inbox")
    assert "שאלות ממתינות: 0" in south and "הסעה" not in south
    north = await telegram.says(NORTH, "/inbox")
    assert "שאלות ממתינות: 1" in north
    card = await telegram.presses(NORTH, "הסעה מחיפה")
    assert "אזור: צפון" in card and "שפה: he" in card
    await telegram.presses(NORTH, "לקחת לטיפול")
    assert "whatsapp" in await telegram.presses(NORTH, "לענות")
    assert "התשובה נשלחה" in await telegram.says(NORTH, "כן, יוצאת הסעה מחוף הכרמל ב-16:00.")

    await deliver(whatsapp, standin, sessions, clock)
    answer = whatsapp.standin.to(NOA)[-1]
    assert answer.get("ContentSid") is None
    assert "יש הסעה מחיפה לפורום של הצפון?" in answer.body
    assert "כן, יוצאת הסעה מחוף הכרמל ב-16:00." in answer.body
    assert "1. ↩️ להשיב לצוות" in answer.body

    (prompt,) = await whatsapp.say("1")
    assert "כתבו את התשובה" in prompt.body
    await whatsapp.say("ואיפה בדיוק נקודת האיסוף?", count=2)

    clock.advance(hours=30)  # the person's 24-hour window has closed
    await telegram.says(NORTH, "/inbox")
    card = await telegram.presses(NORTH, "הסעה מחיפה")
    assert "ואיפה בדיוק נקודת האיסוף?" in card
    await telegram.presses(NORTH, "לענות")
    await telegram.says(NORTH, "ליד תחנת הרכבת, בכניסה הצפונית.")
    before = len(whatsapp.standin.to(NOA))
    await deliver(whatsapp, standin, sessions, clock)
    (notice,) = whatsapp.standin.to(NOA)[before:]
    assert notice.get("ContentSid") == TEMPLATE
    assert "תשובה מצוות התנועה הקיבוצית" in (notice.get("ContentVariables") or "")
    assert await answer_status(sessions) == OutboxStatus.HELD

    await whatsapp.say("היי", count=1)  # writing back opens the window: the answer is released
    await eventually(lambda: answer_status(sessions), OutboxStatus.PENDING)
    await deliver(whatsapp, standin, sessions, clock)
    full = [sent.body for sent in whatsapp.standin.to(NOA)]
    assert any("ליד תחנת הרכבת, בכניסה הצפונית." in body for body in full)


async def test_another_regions_coordinator_is_refused_a_forged_button_and_it_is_audited(
    whatsapp: WhatsApp, telegram: Telegram, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await whatsapp.say("/ask")
    await whatsapp.say("יש הסעה מחיפה לפורום של הצפון?")
    await whatsapp.say("1", count=2)
    async with sessions() as session:
        thread_id = await session.scalar(select(Thread.id))
        assert thread_id is not None
    await telegram.says(SOUTH, "/inbox")
    refused = await telegram.forges(SOUTH, InboxOpen(thread_id).pack())
    assert "לרכזים בלבד" in refused and "הסעה" not in refused
    async with sessions() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id)
        )
        assert entry is not None
        assert (entry.action, entry.target, entry.details["reason"]) == (
            "inbox.open",
            f"thread:{thread_id}",
            "scope",
        )
