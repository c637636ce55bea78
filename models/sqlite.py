"""aiosqlite connections that cost one trip to their thread per statement.

SQLAlchemy's aiosqlite adapter drives the DB-API cursor call by call (open, execute, fetch,
close), and each call is a trip to aiosqlite's thread and back through the event loop: four for
a SELECT, three for an UPDATE or a BEGIN. On a busy loop every trip waits its turn, and SQLite's
one writer holds its lock the while. Here a statement is executed, fetched and closed in a
single call on the thread; what the cursor reports afterwards is read from that call's result.

Transactions of one process queue for SQLite's single writer in a FIFO gate on the event loop,
in the order they asked: SQLite's own busy handler polls with growing sleeps, and a transaction
that keeps losing the race to others (a webhook's INSERT against a stream of answer batches)
could wait seconds while others went first. Other processes still meet the busy handler.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Self

import aiosqlite

BEGIN = "BEGIN IMMEDIATE"
Row = tuple[Any, ...]
Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[list[Row], Description, int, int | None]


class Connection(aiosqlite.Connection):
    gate: asyncio.Lock | None = None
    """Shared by the connections of one engine (see `connect`)."""
    _holding = False

    async def enter_gate(self) -> None:
        """Wait for this process's turn to write (BEGIN IMMEDIATE)."""
        if self.gate is not None and not self._holding:
            await self.gate.acquire()
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

    async def run(self, function: Callable[[sqlite3.Connection], Outcome]) -> Outcome:
        """`function(sqlite3 connection)` on this connection's thread, queued like aiosqlite's
        own calls."""
        queue: Callable[..., Awaitable[Outcome]] = self._execute
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


def connect(database: str, *, gate: asyncio.Lock | None = None, **kwargs: Any) -> Connection:
    """Like `aiosqlite.connect`, for SQLAlchemy's `async_creator`; the thread is a daemon so a
    connection somebody forgot to close cannot keep the process alive (as SQLAlchemy does).
    Connections given one `gate` take turns to write."""
    connection = Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True
    connection.gate = gate
    return connection
