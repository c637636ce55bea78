"""The SQLite driver: one trip to the connection's thread per statement, DB-API results intact;
the acknowledgement path's writer first, BEGIN to COMMIT in one trip, all of the rows or none;
the log copied back beside the writers, not by them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Column, Connection, Integer, MetaData, Table, Text, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from models import sqlite
from models.checkpoints import Checkpoints
from models.db import create_engine

T = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("name", Text))


@pytest_asyncio.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path}/driver.db")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each trip to a connection's thread did."""
    made: list[str] = []
    queue = sqlite.Connection._execute

    async def counted(self: sqlite.Connection, function: object, *args: object) -> object:
        made.append(getattr(function, "__name__", "?"))
        return await queue(self, function, *args)

    monkeypatch.setattr(sqlite.Connection, "_execute", counted)
    return made


async def test_a_transaction_costs_a_trip_per_statement_and_no_rollback_after_commit(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES ('a'), ('b')"))
        rows = (await conn.execute(text("SELECT name FROM t ORDER BY id"))).all()
        updated = await conn.execute(text("UPDATE t SET name = name || '!'"))
    assert [row.name for row in rows] == ["a", "b"]
    assert updated.rowcount == 2  # type: ignore[attr-defined]
    # BEGIN IMMEDIATE, INSERT, SELECT, UPDATE, COMMIT; the pool sees no transaction to undo.
    assert trips == ["<lambda>"] * 4 + ["commit"]


async def test_a_transaction_still_open_on_return_to_the_pool_is_rolled_back(
    engine: AsyncEngine, trips: list[str]
) -> None:
    def insert_behind_sqlalchemys_back(conn: Connection) -> None:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        driver.cursor().execute("BEGIN")
        driver.cursor().execute("INSERT INTO t (name) VALUES ('left open')")

    async with engine.connect() as conn:
        await conn.run_sync(insert_behind_sqlalchemys_back)
    assert trips[-1] == "rollback"
    async with engine.connect() as conn:
        assert (await conn.scalar(text("SELECT count(*) FROM t"))) == 0


async def test_returning_lastrowid_and_errors_come_through(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        returned = await conn.execute(text("INSERT INTO t (name) VALUES ('x') RETURNING id"))
        assert returned.scalar_one() == 1
        inserted = await conn.execute(text("INSERT INTO t (name) VALUES ('y')"))
        assert inserted.lastrowid == 2  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
    async with engine.connect() as conn:
        assert (await conn.scalar(text("SELECT count(*) FROM t"))) == 2


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


async def test_commits_leave_the_log_to_a_checkpoint_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, log = tmp_path / "wal.db", tmp_path / "wal.db-wal"
    engine = create_engine(f"sqlite:///{database}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE pages (id INTEGER PRIMARY KEY, body TEXT)"))
        driver = (await conn.get_raw_connection()).driver_connection
    assert isinstance(driver, sqlite.Connection) and driver.checkpoints is not None
    checkpoints = driver.checkpoints

    async def write(megabytes: int) -> None:
        for _ in range(megabytes * 10):
            async with engine.begin() as conn:
                await conn.execute(
                    text("INSERT INTO pages (body) VALUES (:body)"),
                    [{"body": "x" * 4000}] * 25,
                )

    # Six megabytes in sixty commits, past SQLite's own mark of 1,000 pages: none of them
    # copied the log back, which stayed in the log.
    monkeypatch.setattr(Checkpoints, "INTERVAL", 3600.0)
    await checkpoints.idle()
    await write(6)
    assert database.stat().st_size < 1_000_000 < 6_000_000 < log.stat().st_size

    # The next commits start checkpoints beside them, which copy the log back.
    monkeypatch.setattr(Checkpoints, "INTERVAL", 0.0)
    await write(1)
    await checkpoints.idle()
    assert database.stat().st_size > 6_000_000
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM pages")) == 70 * 25
        assert await conn.scalar(text("PRAGMA wal_autocheckpoint")) == 0
    await engine.dispose()
