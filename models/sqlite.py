"""aiosqlite connections that cost one trip to their thread per statement.

SQLAlchemy's aiosqlite adapter drives the DB-API cursor call by call (open, execute, fetch,
close), and each call is a trip to aiosqlite's thread and back through the event loop: four for
a SELECT, three for an UPDATE or a BEGIN. On a busy loop every trip waits its turn, and SQLite's
one writer holds its lock the while. Here a statement is executed, fetched and closed in a
single call on the thread; what the cursor reports afterwards is read from that call's result.

Transactions of one process queue for SQLite's single writer in a gate on the event loop, in
the order they asked: SQLite's own busy handler polls with growing sleeps, and a transaction
that keeps losing the race to others (a webhook's INSERT against a stream of answer batches)
could wait seconds while others went first. Other processes still meet the busy handler.
The one exception to that order is `insert_alone`, the acknowledgement path's INSERT: a
webhook waits for it, so it goes before the transactions waiting (the inbox holds what
answering has still to do; the platforms give up on a webhook after seconds), and it is one
trip to the thread, BEGIN to COMMIT, so it holds the writer for no turn of a busy loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Self, TypeVar

import aiosqlite
from sqlalchemy import Dialect, Insert
from sqlalchemy.ext.asyncio import AsyncEngine

from models.checkpoints import Checkpoints

BEGIN = "BEGIN IMMEDIATE"
Row = tuple[Any, ...]
Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[list[Row], Description, int, int | None]
T = TypeVar("T")
Processor = Callable[[Any], Any]


class Gate:
    """One process's turn to write: in the order asked, except that a writer asking `first`
    goes before every writer waiting that did not, and may keep the turns to come for more
    like it for a moment (`keep`): while webhooks flood in, a transaction of the answering or
    the outbox would hold the one writer for many turns of the busy event loop."""

    PATIENCE = 1.0
    """Seconds a writer not asking `first` waits at most for a moment kept for others."""

    def __init__(self) -> None:
        self._held = False
        self._first: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()
        self._kept_until = 0.0

    def keep(self, seconds: float) -> None:
        """For `seconds` from now, writers not asking `first` wait (PATIENCE at most)."""
        self._kept_until = max(self._kept_until, time.monotonic() + seconds)

    async def acquire(self, *, first: bool = False) -> None:
        if not first:
            patience = time.monotonic() + Gate.PATIENCE
            # Each batch of the flood moves the end of the moment on: look again after it.
            while (wait := min(self._kept_until, patience) - time.monotonic()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
        if not self._held and not self._first and not self._others:
            self._held = True
            return
        queue = self._first if first else self._others
        turn = asyncio.get_running_loop().create_future()
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed the turn just as it was given up: pass it on
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(turn)
            raise

    def release(self) -> None:
        """Hand the turn to the next waiting writer, or leave the gate open."""
        for queue in (self._first, self._others):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._held = False


class Connection(aiosqlite.Connection):
    gate: Gate | None = None
    """Shared by the connections of one engine (see `connect`)."""
    checkpoints: Checkpoints | None = None
    """Likewise: told of every commit (models/checkpoints.py)."""
    _holding = False

    async def enter_gate(self, *, first: bool = False) -> None:
        """Wait for this process's turn to write (BEGIN IMMEDIATE)."""
        if self.gate is not None and not self._holding:
            await self.gate.acquire(first=first)
            self._holding = True

    def leave_gate(self) -> None:
        if self._holding and self.gate is not None:
            self._holding = False
            self.gate.release()

    async def commit(self) -> None:
        try:
            await super().commit()
        finally:
            self.leave_gate()
        self.committed()

    def committed(self) -> None:
        """A transaction of this connection committed (by `commit` or `insert_alone`)."""
        if self.checkpoints is not None:
            self.checkpoints.committed()

    async def rollback(self) -> None:
        try:
            await super().rollback()
        finally:
            self.leave_gate()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self.leave_gate()

    def cursor(self) -> Cursor:  # type: ignore[override]  # one-trip cursor, not a Result
        """A cursor made lazily on the thread by its first statement: opening it costs no trip."""
        return Cursor(self)

    @property
    def in_transaction(self) -> bool:
        """False once the connection is closed, where aiosqlite raises: the pool asks this of
        every connection it takes back (see `models.db`)."""
        return self._connection is not None and self._connection.in_transaction

    async def run(self, function: Callable[[sqlite3.Connection], T]) -> T:
        """`function(sqlite3 connection)` on this connection's thread, queued like aiosqlite's
        own calls."""
        queue: Callable[..., Awaitable[T]] = self._execute
        return await queue(function, self._conn)


class Cursor:
    """The part of aiosqlite's cursor that SQLAlchemy's adapter uses."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Self:
        begins = sql == BEGIN
        if begins:
            await self._connection.enter_gate()
        try:
            done = await self._connection.run(lambda conn: _finish(conn.execute(sql, parameters)))
        except BaseException:
            if begins:
                self._connection.leave_gate()
            raise
        self._take(*done)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Self:
        done = await self._connection.run(lambda conn: _finish(conn.executemany(sql, parameters)))
        self._take(*done)
        return self

    def _take(
        self, rows: list[Row], description: Description, rowcount: int, rowid: int | None
    ) -> None:
        self._rows = deque(rows)
        self.description, self.rowcount, self.lastrowid = description, rowcount, rowid

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = min(len(self._rows), size or self.arraysize)
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Row]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        """The statement's cursor closed on the thread as soon as it had run."""
        self._rows.clear()


def _finish(cursor: sqlite3.Cursor) -> Outcome:
    """On the connection's thread: every row (RETURNING counts only once fetched), then close."""
    try:
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


async def insert_alone(
    engine: AsyncEngine, statement: Insert, rows: Sequence[Mapping[str, Any]], keep: float = 0.0
) -> None:
    """`statement` for every row, in a transaction of its own committed before this returns:
    BEGIN IMMEDIATE, the rows and COMMIT in one trip to the thread, in this process's first
    turn to write, keeping the turns of the next `keep` seconds for more such (Gate.keep).
    The rows' values go through their columns' types as SQLAlchemy's would."""
    sql, binds = _prepared(statement, engine.dialect, tuple(rows[0]))
    parameters = [
        tuple(row[name] if process is None else process(row[name]) for name, process in binds)
        for row in rows
    ]
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, Connection)
        await driver.enter_gate(first=True)
        if keep and driver.gate is not None:
            driver.gate.keep(keep)
        try:
            # A closure, not a partial: aiosqlite's debug log shows what it runs, and a
            # partial's repr would quote the rows (phones, names, texts).
            await driver.run(lambda conn: _committed(sql, parameters, conn))
        finally:
            driver.leave_gate()
        driver.committed()


@functools.lru_cache(maxsize=16)  # an entry per statement and engine: a handful
def _prepared(
    statement: Insert, dialect: Dialect, keys: tuple[str, ...]
) -> tuple[str, list[tuple[str, Processor | None]]]:
    """The statement's SQL for rows of these keys, and each parameter's key and converter."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = compiled.positiontup or []
    assert set(names) <= set(keys), "an INSERT's parameters are named by its columns' keys"
    return compiled.string, [
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in names
    ]


def _committed(sql: str, parameters: list[Row], conn: sqlite3.Connection) -> None:
    """On the connection's thread: the whole transaction, or nothing of it."""
    conn.execute(BEGIN)
    try:
        conn.executemany(sql, parameters)
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise


def connect(
    database: str,
    *,
    gate: Gate | None = None,
    checkpoints: Checkpoints | None = None,
    **kwargs: Any,
) -> Connection:
    """Like `aiosqlite.connect`, for SQLAlchemy's `async_creator`; the thread is a daemon so a
    connection somebody forgot to close cannot keep the process alive (as SQLAlchemy does).
    Connections given one `gate` take turns to write; their commits start `checkpoints`."""
    connection = Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True
    connection.gate = gate
    connection.checkpoints = checkpoints
    return connection
