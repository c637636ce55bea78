"""The scheduler: short interval jobs over our own tables, run by one leader at a time.

APScheduler keeps only the timing, in memory; all state lives in our tables and every job is
idempotent (dedupe keys, conditional updates), so a restart or a change of leader loses nothing
and at worst repeats a run. On PostgreSQL the leader holds a session advisory lock on a dedicated
connection; the others keep trying and take over when that connection goes away. On SQLite the
single process leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from handlers.core.context import EngineConfig
from models.base import utcnow
from models.db import sessionmaker
from scheduler.broadcasts import run_broadcasts
from scheduler.bulletins import publish_due_bulletins
from scheduler.digest import send_weekly_digest
from scheduler.go_no_go import check_minimums
from scheduler.housekeeping import forget_old_records
from scheduler.kibbutz_copies import copy_events
from scheduler.offers import expire_lapsed_offers
from scheduler.quiet import DEFAULT_QUIET_HOURS, QuietHours
from scheduler.reminders import plan_reminders
from scheduler.team import push_new_items, raise_overdue

log = logging.getLogger(__name__)

Job = Callable[[AsyncSession, datetime, EngineConfig, QuietHours], Awaitable[int]]

JOBS: dict[str, Job] = {
    "reminders": plan_reminders,
    "offers": expire_lapsed_offers,
    "bulletins": publish_due_bulletins,
    "digest": send_weekly_digest,
    "housekeeping": forget_old_records,
    "broadcasts": run_broadcasts,
    "go_no_go": check_minimums,
    "team_push": push_new_items,
    "team_overdue": raise_overdue,
    "kibbutz_events": copy_events,
}
INTERVALS: dict[str, float] = {
    "reminders": 60,
    "offers": 30,
    "bulletins": 30,
    "digest": 300,
    "housekeeping": 60,
    "broadcasts": 3,
    "go_no_go": 300,
    "team_push": 30,
    "team_overdue": 300,
    "kibbutz_events": 300,
}
"""Seconds between runs; each job also catches up on anything it missed."""
ELECTION_INTERVAL = 10.0

LEADER_LOCK = int.from_bytes(b"hagshama", "big")
"""The advisory lock key: any 64-bit number unique to this application."""


class Runner:
    """One process's scheduler; only the leader's jobs do anything."""

    def __init__(
        self,
        engine: AsyncEngine,
        config: EngineConfig,
        quiet: QuietHours = DEFAULT_QUIET_HOURS,
        clock: Callable[[], datetime] = utcnow,
        intervals: Mapping[str, float] = INTERVALS,
    ) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine)
        self._config = config
        self._quiet = quiet
        self._clock = clock
        self._intervals = intervals
        self._lock: AsyncConnection | None = None
        self._single = engine.dialect.name != "postgresql"
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Future[object]] = set()

    @property
    def leading(self) -> bool:
        return self._single or self._lock is not None

    async def start(self) -> None:
        """Try to lead at once, then keep the election and the jobs on their intervals."""
        await self.elect()
        scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1}, timezone="UTC"
        )
        if not self._single:
            scheduler.add_job(
                self.elect,
                "interval",
                seconds=ELECTION_INTERVAL,
                id="election",
                misfire_grace_time=int(ELECTION_INTERVAL),
            )
        for name, seconds in self._intervals.items():
            # A run that starts late (a busy loop) still happens within one interval;
            # coalescing folds the missed ones into it.
            scheduler.add_job(
                self.run,
                "interval",
                args=[name],
                seconds=seconds,
                id=name,
                next_run_time=utcnow(),
                misfire_grace_time=max(1, int(seconds)),
            )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        """Let running jobs finish, stop the rest and hand leadership over."""
        if self._scheduler is not None:
            self._scheduler.pause()
            # APScheduler's asyncio executor would cancel them mid-transaction.
            await asyncio.gather(*self._running, return_exceptions=True)
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        await self._resign()

    async def elect(self) -> bool:
        """Take the leader lock if it is free, or check that the connection holding it lives."""
        if self._single:
            return True
        try:
            if self._lock is not None:
                await self._lock.execute(text("SELECT 1"))
                return True
            self._lock = await self._acquire()
            if self._lock is not None:
                log.info("scheduler: this process now leads")
        except (DBAPIError, OSError):
            log.warning("scheduler: lost the leader connection", exc_info=True)
            await self._drop()
        return self.leading

    async def run(self, name: str) -> int:
        """Run one job in its own transaction, if this process leads; returns what it did."""
        if not self.leading:
            return 0
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            async with self._sessions() as session, session.begin():
                done = await JOBS[name](session, self._clock(), self._config, self._quiet)
        finally:
            self._running.discard(task)
        if done:
            log.info("scheduler: %s: %d", name, done)
        return done

    async def _acquire(self) -> AsyncConnection | None:
        """A connection holding the leader lock, or None while another process holds it."""
        conn = await self._engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            query = text("SELECT pg_try_advisory_lock(:key)")
            if await conn.scalar(query, {"key": LEADER_LOCK}):
                return conn
            await conn.close()
            return None
        except BaseException:
            await conn.invalidate()
            raise

    async def _resign(self) -> None:
        if self._lock is None:
            return
        try:
            await self._lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK})
            await self._lock.close()
            self._lock = None
        except (DBAPIError, OSError):
            await self._drop()

    async def _drop(self) -> None:
        """Discard the lock connection; closing it for good frees the lock on the server."""
        if self._lock is not None:
            conn, self._lock = self._lock, None
            await conn.invalidate()
