"""One writer's turn used well: messages waiting for it share the next transaction (SQLite's
single writer; on PostgreSQL, fewer round trips)."""

from __future__ import annotations

import asyncio
from collections import deque

from handlers.core.engine import Answer, Engine
from handlers.core.types import Incoming

BATCH_LIMIT = 32
"""Messages per transaction at most, so SQLite's write lock is never held long for others."""


class GroupCommit:
    """Answers messages one transaction at a time, queued here where waiting is free (SQLite's
    busy handler sleeps). Whatever arrived while a transaction ran goes into the next one
    together, so a burst costs one BEGIN and one COMMIT per batch instead of per message."""

    def __init__(self, engine: Engine, limit: int = BATCH_LIMIT) -> None:
        self.engine = engine
        self.limit = limit
        self._waiting: deque[tuple[Incoming, asyncio.Future[Answer]]] = deque()
        self._turn = asyncio.Lock()

    async def answer(self, incoming: Incoming) -> Answer:
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._waiting.append((incoming, answer))
        async with self._turn:
            # Whoever holds the turn answers everyone waiting, oldest first; by the time most
            # messages get the turn, theirs was answered in an earlier batch.
            while not answer.done():
                await self._answer_batch()
        return answer.result()

    async def _answer_batch(self) -> None:
        batch = [self._waiting.popleft() for _ in range(min(self.limit, len(self._waiting)))]
        try:
            outcomes = await self.engine.handle_together([incoming for incoming, _ in batch])
        except BaseException:
            for _, answer in batch:  # cancelled (shutting down): nobody waits forever
                answer.cancel()
            raise
        for (_, answer), outcome in zip(batch, outcomes, strict=True):
            if answer.done():
                continue  # its sender stopped waiting; the message was answered all the same
            if isinstance(outcome, Exception):
                answer.set_exception(outcome)
            else:
                answer.set_result(outcome)
