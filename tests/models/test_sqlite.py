"""The SQLite driver: one trip to the connection's thread per statement, DB-API results intact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from models import sqlite
from models.db import create_engine


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
