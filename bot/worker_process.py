"""The answering process of `hagshama run`: the acknowledging process (HTTP, intake) starts it,
wakes it through its stdin whenever it stored updates, and counts what it reports on stdout.

Acknowledging is what the platforms time: it must not wait behind a conversation being
answered. Here answering, the outbox and the scheduler have an interpreter and an event loop of
their own, at a lower CPU priority; the inbox between the two keeps every update (a killed
process loses nothing, whichever it is). The answering process stops when its stdin closes,
also when the acknowledging process was killed, and is restarted if it dies."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys

from bot.intake import Intake
from bot.metrics import Metrics

log = logging.getLogger(__name__)

NICENESS = 10
"""Answering yields the CPU to acknowledging when both want it: the inbox holds the backlog.
Not on SQLite (where it runs only if ANSWERING_PROCESS asks): it often holds the one writer's
turn, and acknowledging would wait for it all the longer."""
RESTART_PAUSE = 1.0
STOP_PATIENCE = 60.0
"""Seconds the answering process has to finish the chats and messages in hand."""
WAKE = b"."
WAKE_FLOODED = b"!"
"""A wake-up saying webhooks flood in (Intake.flooded): answer sparingly for a moment."""
BUFFERED_WAKES = 64
"""Wake-ups left unread beyond this are not added: one is enough to make it look."""
REPORTS = ("handled", "failed")


class WorkerProcess:
    """The parent's side: start, wake, supervise and stop the answering process."""

    def __init__(self, intake: Intake, metrics: Metrics) -> None:
        self.intake = intake
        self.metrics = metrics
        self.process: asyncio.subprocess.Process | None = None
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._reading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._spawn()
        self._tasks = [
            asyncio.create_task(self._wake()),
            asyncio.create_task(self._supervise()),
        ]

    async def stop(self) -> None:
        """Close its stdin, give it time to finish what it holds, then end it."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        process = self.process
        if process is None or process.returncode is not None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_PATIENCE)
        except TimeoutError:
            log.warning("answering process %d did not stop: ended", process.pid)
            process.kill()
            await process.wait()
        if self._reading is not None:
            await self._reading  # its stdout is closed: the last counts are in

    async def _spawn(self) -> None:
        verbose = ["--verbose"] if logging.getLogger().isEnabledFor(logging.DEBUG) else []
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            *verbose,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        self._reading = asyncio.create_task(self._reports(self.process))

    async def _wake(self) -> None:
        """Tell the answering process each time updates were stored, and whether webhooks
        flood in: its answering, its PostgreSQL sessions and its share of the CPU then give
        way to acknowledging (its lower priority alone leaves it the database's CPU)."""
        while True:
            await self.intake.arrived.wait()
            self.intake.arrived.clear()
            process = self.process
            if process is None or process.stdin is None or process.stdin.is_closing():
                continue
            if process.stdin.transport.get_write_buffer_size() < BUFFERED_WAKES:
                process.stdin.write(WAKE_FLOODED if self.intake.flooded() else WAKE)

    async def _supervise(self) -> None:
        while True:
            assert self.process is not None
            code = await self.process.wait()
            if self._stopping:
                return
            log.warning("answering process exited (%s); starting another", code)
            await asyncio.sleep(RESTART_PAUSE)
            await self._spawn()
            self.intake.arrived.set()  # what arrived meanwhile waits in the inbox

    async def _reports(self, process: asyncio.subprocess.Process) -> None:
        """Counts for /metrics, one `handled telegram` line each."""
        assert process.stdout is not None
        async for line in process.stdout:
            what, _, channel = line.decode(errors="replace").strip().partition(" ")
            if what in REPORTS and channel:
                getattr(self.metrics, what)(channel)


class PipedMetrics(Metrics):
    """The answering process's counts, sent to the process that serves /metrics."""

    def handled(self, channel: str) -> None:
        _report("handled", channel)

    def failed(self, channel: str) -> None:
        _report("failed", channel)


def _report(what: str, channel: str) -> None:
    # The acknowledging process may be gone (killed): a count lost is no reason to fail an answer.
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(f"{what} {channel}\n")
        sys.stdout.flush()


async def work() -> None:
    """Answer, send and schedule until stdin closes or SIGTERM/SIGINT."""
    from bot.app import open_app
    from bot.serve import channels
    from bot.settings import load_settings
    from bot.workers import Workers

    settings = load_settings()
    async with open_app(settings) as app:
        if app.db.dialect.name != "sqlite":
            os.nice(NICENESS)
        intake = Intake(app.sessions)  # only its `arrived` and `flooded`: told by wake-ups
        telegram, whatsapp = channels(app, PipedMetrics(), intake)
        try:
            if telegram is not None:
                await telegram.initialize()
            workers = Workers(app, intake, telegram, whatsapp)
            await workers.start()
            try:
                await _woken_until_closed(intake)
            finally:
                await workers.stop()
        finally:
            if whatsapp is not None:
                await whatsapp.close()
            if telegram is not None:
                await telegram.stop()


async def _woken_until_closed(intake: Intake) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    closed = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, closed.set)

    async def read() -> None:
        while wakes := await reader.read(4096):
            if WAKE_FLOODED in wakes:
                intake.told_flooded()
            intake.arrived.set()
        closed.set()

    reading = asyncio.create_task(read())
    await closed.wait()
    reading.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reading


def main() -> None:
    arguments = argparse.ArgumentParser(description="hagshama's answering process")
    arguments.add_argument("--verbose", action="store_true")
    verbose = arguments.parse_args().verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(work())


if __name__ == "__main__":
    main()
