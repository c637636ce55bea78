"""Conversations live in the database: a restart or a second process picks them up."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.conversation import (
    ConcurrentUpdate,
    ConversationState,
    open_conversations,
    save_states,
)
from models.db import create_engine, sessionmaker, upgrade
from models.people import Channel
from tests.support import NOW, Chat, Clock


async def test_conversation_continues_after_a_restart(database_url: str) -> None:
    first = create_engine(database_url)
    await upgrade(first)
    before = Chat(
        Engine(sessionmaker(first), EngineConfig(), Clock(), features=FEATURES), "restarting"
    )
    await before.send("/language en")
    await before.send("/language")  # offers עברית / English, then the process goes away
    await first.dispose()

    second = create_engine(database_url)
    after = Chat(
        Engine(sessionmaker(second), EngineConfig(), Clock(), features=FEATURES), "restarting"
    )
    await after.send("1")  # answers the buttons the previous process offered
    assert "בעברית" in after.text
    await second.dispose()


async def test_a_stale_write_is_refused_not_merged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def opened() -> ConversationState:
        async with sessions() as session, session.begin():
            [(_, state)] = await open_conversations(
                session, [(Channel.CONSOLE, "racer", None)], NOW
            )
            return state

    first = await opened()
    async with sessions() as session, session.begin():
        await save_states(session, [first], NOW)
    mine = await opened()
    theirs = await opened()
    async with sessions() as session, session.begin():
        theirs.data = {"by": "them"}
        await save_states(session, [theirs], NOW)
    with pytest.raises(ConcurrentUpdate):
        async with sessions() as session, session.begin():
            mine.data = {"by": "me"}
            await save_states(session, [mine], NOW)
    async with sessions() as session:
        saved = await session.scalar(select(ConversationState))
    assert saved is not None and saved.data == {"by": "them"}
