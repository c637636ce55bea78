"""SQLite's one writer, as the acknowledgement path takes it: before the writers waiting, and
BEGIN to COMMIT in one trip to the connection's thread, all of the rows or none."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from models import sqlite
from models.db import create_engine

T = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("name", Text))


@pytest_asyncio.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path}/first.db")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list(await conn.scalars(text("SELECT name FROM t ORDER BY id")))


async def test_the_first_writer_goes_before_the_writers_waiting() -> None:
    gate = sqlite.Gate()
    order: list[str] = []
    await gate.acquire()

    async def writer(name: str, first: bool) -> None:
        await gate.acquire(first=first)
        order.append(name)
        gate.release()

    writers = [
        asyncio.create_task(writer("answer", False)),
        asyncio.create_task(writer("outbox", False)),
        asyncio.create_task(writer("webhook", True)),
    ]
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*writers)
    assert order == ["webhook", "answer", "outbox"]


async def test_a_turn_handed_to_a_writer_that_gave_up_passes_on() -> None:
    gate = sqlite.Gate()
    await gate.acquire()
    given_up = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    gate.release()  # the turn is handed to `given_up`, which is cancelled before it runs
    given_up.cancel()
    with pytest.raises(asyncio.CancelledError):
        await given_up
    await asyncio.wait_for(gate.acquire(), 5)  # not left held by nobody


async def test_an_insert_alone_is_one_trip_and_all_of_it_or_nothing(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[object] = []
    queue = sqlite.Connection._execute

    async def counted(self: sqlite.Connection, function: object, *args: object) -> object:
        trips.append(function)
        return await queue(self, function, *args)

    monkeypatch.setattr(sqlite.Connection, "_execute", counted)
    await sqlite.insert_alone(engine, insert(T), [{"name": "a"}, {"name": "b"}])
    assert len(trips) == 1
    assert await names(engine) == ["a", "b"]

    with pytest.raises(sqlite3.IntegrityError):
        await sqlite.insert_alone(engine, insert(T), [{"name": "c"}, {"name": "a"}])
    assert await names(engine) == ["a", "b"]  # not "c" either
    await sqlite.insert_alone(engine, insert(T), [{"name": "c"}])  # the writer is free again
    assert await names(engine) == ["a", "b", "c"]
