"""Taking updates in: the acknowledgement path's INSERT, shared by whoever waits for it.

A webhook answers 2xx only once its update is committed to the inbox (models/inbox.py), so a
process killed a moment later loses nothing; when the database cannot take it, the caller
answers 503 and the platform sends it again. Requests that arrive while an INSERT runs share
the next one: a burst costs one transaction per batch, not per update."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.base import utcnow
from models.inbox import Arrival, store

log = logging.getLogger(__name__)

BATCH_LIMIT = 256
FLOOD = 4
"""Webhook requests open at once from which acknowledging is given the event loop first:
one person chatting has one at a time, for a few milliseconds."""
KEEP_WRITER = 0.05
"""Seconds SQLite's one writer is kept for the next batch while webhooks flood in: other
writers of the process (answering, the outbox, the scheduler) wait for a pause in the flood,
a second at most (models/sqlite.py Gate)."""
FLOOD_LASTS = 0.5
"""Seconds a flood is taken to go on after FLOOD requests were last open at once (the clients
of a busy machine leave gaps), and after the acknowledging process last said so to the
answering process (bot/worker_process.py), which it does with every batch it stores."""


class Unavailable(Exception):
    """The update could not be stored: the platform must be asked to send it again."""


class Intake:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = utcnow,
        limit: int = BATCH_LIMIT,
    ) -> None:
        self.sessions = sessions
        engine: AsyncEngine = sessions.kw["bind"]
        # On PostgreSQL the one INSERT commits by itself: no BEGIN and COMMIT round trips.
        # On SQLite it is one trip to the connection's thread, BEGIN to COMMIT (models.inbox).
        self.engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )
        self.clock = clock
        self.limit = limit
        self.arrived = asyncio.Event()
        """Set after each stored batch: the worker in this process looks at once."""
        self.receiving = 0
        """Webhook requests in progress (see `request`)."""
        self._flooded_until = 0.0
        self._waiting: list[tuple[Arrival, asyncio.Future[None]]] = []
        self._turn = asyncio.Lock()

    async def take(self, arrival: Arrival) -> None:
        """Store one update (a redelivery is a no-op); raises Unavailable if it was not stored."""
        await self.take_all([arrival])

    async def take_all(self, arrivals: list[Arrival]) -> None:
        """Store updates together, committed before this returns."""
        loop = asyncio.get_running_loop()
        stored = [(arrival, loop.create_future()) for arrival in arrivals]
        self._waiting.extend(stored)
        async with self._turn:
            # Whoever holds the turn stores everyone waiting, oldest first.
            while not all(future.done() for _, future in stored):
                await self._store_batch()
        for _, future in stored:
            future.result()

    @contextmanager
    def request(self) -> Iterator[None]:
        """Around a webhook request, from its first byte to its answer: counted."""
        self.receiving += 1
        if self.receiving >= FLOOD:
            self._flooded_until = time.monotonic() + FLOOD_LASTS
        try:
            yield
        finally:
            self.receiving -= 1

    def flooded(self) -> bool:
        """Whether webhooks are arriving faster than they are answered (FLOOD of them open
        at once, here or in the acknowledging process, within FLOOD_LASTS): answering then
        takes less of the event loop, the CPU and the database (bot/answering.py), so
        acknowledgements come first and the inbox holds the rest."""
        return self.receiving >= FLOOD or time.monotonic() < self._flooded_until

    def told_flooded(self) -> None:
        """The acknowledging process said webhooks flood in there."""
        self._flooded_until = time.monotonic() + FLOOD_LASTS

    async def _store_batch(self) -> None:
        batch, self._waiting = self._waiting[: self.limit], self._waiting[self.limit :]
        try:
            keep = KEEP_WRITER if self.flooded() else 0.0
            await store(self.engine, [arrival for arrival, _ in batch], self.clock(), keep=keep)
        except Exception as exc:
            # The class only: a database error's text could quote what was being stored.
            log.warning("inbox: %d updates not stored: %s", len(batch), type(exc).__name__)
            _settle(batch, Unavailable(type(exc).__name__))
            return
        except BaseException:
            _settle(batch, Unavailable("cancelled"))  # nobody waits forever
            raise
        _settle(batch, None)
        self.arrived.set()


def _settle(batch: list[tuple[Arrival, asyncio.Future[None]]], error: Exception | None) -> None:
    for _, future in batch:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
