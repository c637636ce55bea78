"""The run log names people by internal ids only: no phone, name or text, even in errors."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from handlers.core.context import Ctx
from handlers.core.types import Reply
from tests.bot.whatsapp.conftest import WhatsApp

PHONE_DIGITS = "501234567"  # NOA's number, however it is written
NAMES = ("נועה כהן", "Noa")


async def test_a_registration_and_a_failing_message_leave_no_personal_data_in_the_log(
    whatsapp: WhatsApp, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    await whatsapp.say("/start ev_forum-north-january")
    await whatsapp.say("1")
    await whatsapp.say("נועה כהן")
    await whatsapp.say("יזרעאל")
    done, ticket = await whatsapp.say("✅ כן, לרשום אותי", count=2)
    assert "צ'ק־אין" in done.body and ticket.media

    async def broken(ctx: Ctx) -> list[Reply]:
        # A database error whose statement carries the person's phone and name.
        values = {"phone": ctx.incoming.address, "name": ctx.person.name}
        await ctx.session.execute(text("INSERT INTO nowhere VALUES (:phone, :name)"), values)
        return []

    monkeypatch.setitem(whatsapp.channel.inbound.engine.routes.commands, "broken", broken)
    [sorry] = await whatsapp.say("/broken")
    assert "משהו השתבש" in sorry.body
    assert "whatsapp message" in caplog.text and "failed" in caplog.text  # it was logged…
    for secret in (PHONE_DIGITS, *NAMES):
        assert secret not in caplog.text  # …without anything personal
