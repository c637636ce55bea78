"""Answering what the inbox holds: claim, answer each chat in order, mark done.

Chats are answered concurrently, one chat's updates one after another. An update whose
answer fails while the database is down is tried again once it is back (the person gets the
real answer, late); one that fails with the database up is a bug, reported to the person by
its channel and marked done. A killed process leaves its claims to the next after the lease."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.intake import Intake
from models.base import utcnow
from models.inbox import Claimed, claim, finish, keep, renew

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0


class Answerer(Protocol):
    """A channel's part: answer one stored update, or tell the person it failed."""

    async def answer(self, entry: Claimed) -> None: ...

    async def failed(self, entry: Claimed, error: BaseException) -> None: ...


@dataclass(frozen=True)
class AnsweringPolicy:
    batch: int = 64
    """Rows claimed at most per claim."""
    concurrency: int = 32
    """Chats answered at once."""
    busy_concurrency: int = 1
    """Chats answered at once while webhooks flood in (Intake.flooded): acknowledging first."""
    busy_pause: float = 0.25
    """Seconds before each claim while webhooks flood in: a flood's first moment goes to
    acknowledging alone (in this process's event loop on SQLite), the inbox holds the rest."""
    lease: timedelta = timedelta(seconds=30)
    """How long a claim stays with a worker that may have died before others may take it."""
    poll: float = 0.5
    """Seconds between looks when nothing arrived in this process (others may store rows)."""
    outage_retries: int = 5
    """Tries for an update whose answer failed with a connection error though the database
    answers a probe (a dropped connection); the probe failing means waiting, not trying."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]


class Answering:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        answerers: Mapping[str, Answerer],
        intake: Intake | None = None,
        policy: AnsweringPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`answerers` by channel; `intake` is this process's, whose arrivals wake us."""
        self.sessions = sessions
        self.answerers = dict(answerers)
        self.intake = intake
        self.arrived = intake.arrived if intake is not None else asyncio.Event()
        self.policy = policy or AnsweringPolicy()
        self.clock = clock
        self.worker = worker_name()
        self._stop = asyncio.Event()
        self._done: list[int] = []
        self._chats: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._keeping: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())
        self._keeping = asyncio.create_task(self._keep_leases())

    async def stop(self) -> None:
        """Finish the chats in hand, record them, and stop claiming."""
        self._stop.set()
        self.arrived.set()
        if self._task is not None:
            await self._task
        if self._keeping is not None:
            self._keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeping

    async def run(self) -> None:
        while not self._stop.is_set():
            if self._busy():
                await asyncio.sleep(self.policy.busy_pause)
                if self._stop.is_set():
                    break
            self.arrived.clear()
            try:
                claimed = await self._record_done(claiming=True)
            except Exception as exc:
                log.warning("inbox: cannot claim (%s); trying again", type(exc).__name__)
                claimed = []
            by_chat: dict[tuple[str, str], list[Claimed]] = {}
            for entry in claimed:
                by_chat.setdefault((entry.channel, entry.chat), []).append(entry)
            for entries in by_chat.values():
                task = asyncio.create_task(self._answer_chat(entries))
                self._chats.add(task)
                task.add_done_callback(self._chats.discard)
            if len(claimed) < self.policy.batch or self._full():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.arrived.wait(), self.policy.poll)
        if self._chats:
            await asyncio.gather(*self._chats, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._record_done()

    async def _keep_leases(self) -> None:
        """While chats are in hand, renew their leases a few times per lease: a killed process
        stops renewing, and its rows pass to another worker when the lease runs out."""
        every = self.policy.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            if not self._chats:
                continue
            try:
                async with self.sessions() as session, session.begin():
                    await keep(session, self.worker, self.clock())
            except Exception as exc:
                log.warning("inbox: cannot renew leases (%s)", type(exc).__name__)

    def _full(self) -> bool:
        return len(self._chats) >= self._concurrency()

    def _busy(self) -> bool:
        return self.intake is not None and self.intake.flooded()

    def _concurrency(self) -> int:
        return self.policy.busy_concurrency if self._busy() else self.policy.concurrency

    async def _record_done(self, *, claiming: bool = False) -> list[Claimed]:
        """Mark what was answered done and, `claiming`, claim more: one transaction for both."""
        done = list(self._done)
        busy = self._busy()
        room = self._concurrency() - len(self._chats) if claiming else 0
        # Rows enough for a few updates of each chat there is room for; while flooded one
        # row a chat, as each row claimed may be a chat of its own.
        limit = room if busy else min(self.policy.batch, room * 4)
        if not done and room <= 0:
            return []
        async with self.sessions() as session, session.begin():
            await finish(session, self.worker, done)
            claimed = []
            if room > 0:
                claimed = await claim(
                    session,
                    self.worker,
                    self.clock(),
                    limit=limit,
                    lease=self.policy.lease,
                    channels=list(self.answerers),
                )
        del self._done[: len(done)]
        return claimed

    async def _answer_chat(self, entries: list[Claimed]) -> None:
        try:
            for entry in entries:
                if not await self._answer(entry):
                    return  # the rest of this chat waits behind it, for whoever claims it next
                self._done.append(entry.id)
        finally:
            self.arrived.set()  # record what is done and claim more

    async def _answer(self, entry: Claimed) -> bool:
        """True once the update is answered (or its failure told); False if it stays pending."""
        answerer = self.answerers[entry.channel]
        tries = 0
        while True:
            try:
                await answerer.answer(entry)
                return True
            except Exception as error:
                tries += 1
                if await self._database_up() and not (
                    _connection_error(error) and tries < self.policy.outage_retries
                ):
                    with contextlib.suppress(Exception):
                        await answerer.failed(entry, error)
                    return True
                log.warning(
                    "inbox: update %d waits for the database (%s)", entry.id, type(error).__name__
                )
            if not await self._wait_for_database(entry):
                return False

    async def _database_up(self) -> bool:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT), self.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def _wait_for_database(self, entry: Claimed) -> bool:
        """Wait until the database answers and the claim is still ours (lease renewed)."""
        while not self._stop.is_set():
            if await self._database_up():
                try:
                    async with self.sessions() as session, session.begin():
                        return await renew(session, self.worker, entry.id, self.clock())
                except Exception:
                    pass  # down again: keep waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.policy.poll)
        return False


def _connection_error(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError | OSError)
