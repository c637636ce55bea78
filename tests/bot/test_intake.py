"""The acknowledgement path's INSERT: committed before it returns, a redelivery stored once,
and a database that cannot store refused (the webhook then answers 503)."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.intake import FLOOD, Intake, Unavailable
from models.db import create_engine, sessionmaker
from models.inbox import Arrival, InboxEntry
from tests.support import NOW


def update(n: int) -> Arrival:
    chat = str(70_000 + n % 3)
    return Arrival("telegram", f"1:{n}", "update", chat, {"update_id": n, "text": "/menu"})


async def stored(database_url: str) -> list[str]:
    """What another connection, of an engine of its own, finds in the inbox."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalars(select(InboxEntry.source_id).order_by(InboxEntry.id))
            return list(rows)
    finally:
        await engine.dispose()


def read_only(database_url: str) -> AsyncEngine:
    """An engine of the same database that may read but not write."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return create_engine(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    return create_engine(
        database_url, connect_args={"server_settings": {"default_transaction_read_only": "on"}}
    )


async def test_what_webhooks_bring_at_once_is_committed_once_each(
    db: AsyncEngine, database_url: str
) -> None:
    intake = Intake(sessionmaker(db), clock=lambda: NOW)
    await asyncio.gather(*(intake.take(update(n)) for n in range(40)))
    await intake.take(update(7))  # Telegram sent it again
    await intake.take_all([update(40), update(3)])
    assert await stored(database_url) == [f"1:{n}" for n in range(41)]
    async with db.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(InboxEntry)) == 41


async def test_a_database_that_cannot_store_refuses_and_keeps_nothing(
    db: AsyncEngine, database_url: str
) -> None:
    engine = read_only(database_url)
    try:
        intake = Intake(sessionmaker(engine), clock=lambda: NOW)
        results = await asyncio.gather(
            *(intake.take(update(n)) for n in range(5)), return_exceptions=True
        )
        assert all(isinstance(result, Unavailable) for result in results)
    finally:
        await engine.dispose()
    assert await stored(database_url) == []
    # The database is not left locked: the next update is stored as usual.
    await Intake(sessionmaker(db), clock=lambda: NOW).take(update(9))
    assert await stored(database_url) == ["1:9"]


async def test_while_webhooks_flood_in_other_writers_still_get_their_turn(
    db: AsyncEngine, database_url: str
) -> None:
    sessions = sessionmaker(db)
    intake = Intake(sessions, clock=lambda: NOW)
    counted: list[int] = []

    async def answering() -> None:
        async with sessions() as session, session.begin():
            counted.append(await session.scalar(select(func.count()).select_from(InboxEntry)))

    with ExitStack() as flood:
        for _ in range(FLOOD):
            flood.enter_context(intake.request())
        assert intake.flooded()
        await asyncio.gather(answering(), *(intake.take(update(n)) for n in range(10)), answering())
    assert len(await stored(database_url)) == 10
    assert len(counted) == 2
