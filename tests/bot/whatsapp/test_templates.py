"""Outside the 24-hour window: templates by purpose, variables WhatsApp accepts, and the long
message held behind a notice until the person writes back."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.whatsapp.render import BODY_LIMIT, width
from bot.whatsapp.templates import BODIES, VARIABLE_LIMITS
from bot.whatsapp.templates import BODY_LIMIT as TEMPLATE_LIMIT
from handlers.coordinators.broadcast_message import message
from handlers.core.types import Button, Reply, TemplateKind, TemplateUse, reply_to_payload
from models.broadcasts import Broadcast
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, enqueue, to_one
from scheduler.dispatcher import Dispatcher
from tests.bot.whatsapp.conftest import (
    ALL_TEMPLATES,
    NOA,
    OFFER_TEMPLATE,
    REMINDER_TEMPLATE,
    TEMPLATE,
    StartWhatsApp,
    WhatsApp,
    eventually,
)
from tests.bot.whatsapp.standin import Sent
from tests.bot.whatsapp.test_sender import noa_writes
from tests.support import Clock

README = Path(__file__).parents[3] / "README.md"
VARIABLE = re.compile(r"\{\{\d+\}\}")


async def queue(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, identity: int, reply: Reply
) -> int:
    async with sessions() as session, session.begin():
        payload = reply_to_payload(reply)
        key = f"test:{uuid.uuid4().hex}"
        recipient = to_one(identity, key)
        await enqueue(
            session,
            recipient,
            OutboxKind.BULLETIN,
            payload,
            priority=Priority.BULK,
            not_before=clock(),
        )
        row = await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        assert row is not None
        return row


async def dispatch(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await Dispatcher(sessions, [whatsapp.channel.sender], clock=clock).run(until_idle=True)


async def row(sessions: async_sessionmaker[AsyncSession], row_id: int) -> OutboxMessage:
    async with sessions() as session:
        found = await session.get(OutboxMessage, row_id)
        assert found is not None
        return found


async def status(sessions: async_sessionmaker[AsyncSession], row_id: int) -> str:
    return str((await row(sessions, row_id)).status)


def acceptable(sent: Sent) -> None:
    """What WhatsApp accepts in a template's variables (63013) and a body (63021)."""
    for value in json.loads(sent.get("ContentVariables") or "{}").values():
        assert "\n" not in value and "\t" not in value and "    " not in value, value
        assert 0 < len(value) <= TEMPLATE_LIMIT


async def test_a_long_broadcast_outside_the_window_waits_behind_a_notice_until_noa_replies(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    text = "\n\n".join(f"פסקה {n}: " + "מפגש קהילה בקיבוץ " * 12 for n in range(16))[:3500]
    copy = message("he", Broadcast(text=text, link=None))
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        identity = await noa_writes(whatsapp, sessions)
        clock.advance(hours=30)
        row_id = await queue(sessions, clock, identity, copy)
        await dispatch(whatsapp, sessions, clock)

        [notice] = whatsapp.standin.to(NOA)[-1:]
        assert notice.get("ContentSid") == TEMPLATE and notice.get("Body") is None
        acceptable(notice)
        assert json.loads(notice.get("ContentVariables") or "{}")["1"].startswith("📣 פסקה 0")
        assert (await row(sessions, row_id)).status == OutboxStatus.HELD

        # A second message that day waits too, without a second notice.
        second = await queue(sessions, clock, identity, Reply("עוד עדכון קצר"))
        await dispatch(whatsapp, sessions, clock)
        assert whatsapp.standin.to(NOA)[-1].sid == notice.sid
        assert (await row(sessions, second)).status == OutboxStatus.HELD

        before = len(whatsapp.standin.to(NOA)) + 1
        [welcome] = await whatsapp.say("שלום")  # a greeting: the welcome and the menu
        assert "ברוכים הבאים" in welcome.body and "לא הבנו" not in welcome.body
        await eventually(lambda: status(sessions, row_id), OutboxStatus.PENDING)
        await dispatch(whatsapp, sessions, clock)
        bodies = [sent.body for sent in whatsapp.standin.to(NOA)[before:]]
        for sent in whatsapp.standin.requests:
            acceptable(sent)
    assert all(width(body) <= BODY_LIMIT for body in bodies)
    delivered = "\n\n".join(bodies)
    for paragraph in text.split("\n\n"):
        assert paragraph.strip() in delivered
    assert "להסרה השיבו ״הסר״" in delivered and "1. 🔕 הסרה מהרשימה" in delivered
    assert "עוד עדכון קצר" in delivered
    assert (await row(sessions, row_id)).status == OutboxStatus.SENT


async def test_a_reminder_outside_the_window_is_its_template_with_event_time_and_code(
    start_whatsapp: StartWhatsApp,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    reminder = Reply(
        "⏰ תזכורת: מפגש\n🎟️ קוד: ABC234",
        buttons=[[Button("ניהול", "x")]],
        template=TemplateUse(
            TemplateKind.REMINDER,
            ("מפגש\tאזורי    צפון\n" + "ארוך " * 80, "יום ג׳, 12 בינואר\n18:30", "ABC234"),
        ),
    )
    offer = Reply(
        "התפנה מקום!",
        buttons=[[Button("כן", "y"), Button("לא", "n")]],
        template=TemplateUse(TemplateKind.OFFER, ("מפגש", "12.1 18:30")),
    )
    async with start_whatsapp(templates=ALL_TEMPLATES) as whatsapp:
        identity = await noa_writes(whatsapp, sessions)
        clock.advance(hours=30)
        reminder_row = await queue(sessions, clock, identity, reminder)
        await dispatch(whatsapp, sessions, clock)
        sent = whatsapp.standin.to(NOA)[-1]
        offer_row = await queue(sessions, clock, identity, offer)
        await dispatch(whatsapp, sessions, clock)
        offered = whatsapp.standin.to(NOA)[-1]
    assert sent.get("ContentSid") == REMINDER_TEMPLATE
    acceptable(sent)
    variables = json.loads(sent.get("ContentVariables") or "{}")
    assert variables["1"].startswith("מפגש אזורי צפון ארוך")
    assert len(variables["1"]) == VARIABLE_LIMITS[TemplateKind.REMINDER][0]
    assert variables["2"] == "יום ג׳, 12 בינואר 18:30"
    assert variables["3"] == "ABC234"
    # The reminder says it all; the offer's buttons come when Noa answers.
    assert (await row(sessions, reminder_row)).status == OutboxStatus.SENT
    assert offered.get("ContentSid") == OFFER_TEMPLATE
    acceptable(offered)
    held = await row(sessions, offer_row)
    assert held.status == OutboxStatus.HELD, held.last_error


def test_every_template_body_fits_and_is_approvable_and_the_readme_has_its_exact_text() -> None:
    readme = README.read_text(encoding="utf-8")
    for (kind, locale), body in BODIES.items():
        assert not body.startswith("{{") and not body.endswith("}}"), (kind, locale)
        limits = VARIABLE_LIMITS[kind]
        assert len(VARIABLE.findall(body)) == len(limits)
        filled = body
        for n, limit in enumerate(limits, 1):
            filled = filled.replace(f"{{{{{n}}}}}", "א" * limit)
        assert width(filled) <= TEMPLATE_LIMIT
        assert body in readme, (kind, locale)
