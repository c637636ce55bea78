"""Messages waiting for SQLite's single writer share a transaction, each keeping its own fate."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.core.context import Ctx
from handlers.core.engine import Answer, Engine
from handlers.core.group_commit import GroupCommit
from handlers.core.types import Incoming, Reply
from models.people import Channel, ChannelIdentity, Person


def said(address: str, text: str) -> Incoming:
    return Incoming(Channel.CONSOLE, address, text=text)


def text(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_messages_that_wait_together_share_one_transaction_in_order(
    db: AsyncEngine, engine: Engine
) -> None:
    commits: list[object] = []
    event.listen(db.sync_engine, "commit", commits.append)
    group = GroupCommit(engine)
    answers = await asyncio.gather(
        group.answer(said("first", "/menu")),  # has the database to itself: the rest queue
        *(group.answer(said(f"person-{n}", "/menu")) for n in range(8)),
        group.answer(said("chooser", "/language")),
        group.answer(said("chooser", "2")),  # the option offered just before, in the same batch
    )
    assert len(commits) == 2
    assert all("תפריט ראשי" in text(answer.replies) for answer in answers[:9])
    assert [button.label for button in answers[9].replies[0].options()] == ["עברית", "English"]
    assert "in English" in text(answers[10].replies)
    assert answers[10].locale == "en"


async def test_a_failing_message_costs_nobody_else_their_answer(
    engine: Engine, sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(ctx: Ctx) -> list[Reply]:
        ctx.person.name = "never saved"
        raise RuntimeError("boom")

    monkeypatch.setitem(engine.routes.commands, "boom", boom)
    await engine.handle(said("b", "/start"))
    group = GroupCommit(engine)
    _alone, *rest = await asyncio.gather(
        group.answer(said("first", "/menu")),
        group.answer(said("a", "/language en")),
        group.answer(said("b", "/boom")),
        group.answer(said("c", "/menu")),
        return_exceptions=True,
    )
    assert isinstance(rest[1], RuntimeError)
    assert isinstance(rest[0], Answer) and "in English" in text(rest[0].replies)
    assert isinstance(rest[2], Answer) and "תפריט ראשי" in text(rest[2].replies)
    async with sessions() as session:
        names = await session.scalars(
            select(Person.name).join(ChannelIdentity).where(ChannelIdentity.address == "b")
        )
        assert names.all() == [None]  # the failed message's writes were rolled back…
    assert "Main menu" in text(
        (await group.answer(said("a", "/menu"))).replies
    )  # …the others' kept
