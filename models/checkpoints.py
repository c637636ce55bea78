"""SQLite's write-ahead log copied back into the database file off every writer's turn.

By default SQLite checkpoints inside whichever COMMIT finds the log past 1,000 pages: that
commit copies the pages and syncs the file, tens of milliseconds instead of a fraction of
one, while this process's other writers wait for their turn (models/sqlite.py Gate), the
acknowledgement path's INSERT among them (inbox-sized commits measured on a 2-core machine:
29 of 1,500 over 10 ms, up to 88 ms; with the checkpoints elsewhere none over 5 ms). So
commits never checkpoint here (`wal_autocheckpoint=0` on every connection): after a commit,
a PASSIVE checkpoint runs on a connection of its own in a thread, at most one at a time and
one per INTERVAL. A PASSIVE checkpoint takes no write lock, so no writer waits for it; the
log is reused from its start once a checkpoint has copied all of it. A process that exits
closes its last connection, and SQLite checkpoints then as always."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from typing import Any

log = logging.getLogger(__name__)

AUTOCHECKPOINT_OFF = "PRAGMA wal_autocheckpoint=0"


class Checkpoints:
    """The checkpoints of one engine's database, started by its commits (`committed`)."""

    INTERVAL = 0.5
    """Seconds between checkpoints at most: a busy second's commits are copied in one or two."""

    def __init__(self, *arguments: Any, **options: Any) -> None:
        """The arguments of `sqlite3.connect` for the database (as the engine's connections')."""
        self._arguments = arguments
        self._options = options
        self._running: asyncio.Future[None] | None = None
        self._started = -Checkpoints.INTERVAL

    def committed(self) -> None:
        """A transaction of this process committed: copy the log back soon, in a thread."""
        now = time.monotonic()
        if now - self._started < Checkpoints.INTERVAL:
            return
        if self._running is not None and not self._running.done():
            return
        self._started = now
        loop = asyncio.get_running_loop()
        self._running = loop.run_in_executor(None, self._checkpoint)

    async def idle(self) -> None:
        """Wait for the checkpoint in progress, if any."""
        if self._running is not None:
            with contextlib.suppress(Exception):
                await self._running

    def _checkpoint(self) -> None:
        """On a worker thread: one PASSIVE checkpoint on a connection of its own."""
        try:
            with contextlib.closing(sqlite3.connect(*self._arguments, **self._options)) as conn:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:
            # The next commit tries again; the log only grows meanwhile.
            log.warning("sqlite: checkpoint not done (%s)", type(exc).__name__)
