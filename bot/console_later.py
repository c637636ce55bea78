"""What the bot sends a console user later — reminders, waiting-list offers, approvals,
bulletins, broadcast progress — printed when due, on a clock the console can move forward.

`hagshama chat` runs the real outbox dispatcher with a console sender and the scheduler's real
jobs on the console's clock after every line it answers (and every few seconds while waiting
for one), so `/clock +2h` makes a reminder, an offer's expiry or a scheduled bulletin due now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from bot.app import App
from handlers.core.types import Reply
from locales.dates import local
from models.base import utcnow
from models.outbox import OutboxKind
from models.people import Channel
from scheduler.dispatcher import Dispatcher
from scheduler.runner import JOBS, Runner

LATER = "⏰ {when:%d.%m.%Y %H:%M} · the bot, later → {who}"
"""The mark on what the bot sends on its own, so it is never taken for an answer."""


@dataclass
class ConsoleClock:
    """The real time, moved forward by what `/clock +…` added."""

    ahead: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.ahead


class ConsoleSender:
    """The outbox's console channel: prints each message for whichever console user it is for."""

    channel = Channel.CONSOLE

    def __init__(
        self, out: TextIO, clock: Callable[[], datetime], timezone: str, render: Callable[..., str]
    ) -> None:
        self.out = out
        self.clock = clock
        self.timezone = timezone
        self.render = render

    async def send(self, address: str, reply: Reply, kind: OutboxKind) -> str | None:
        when = local(self.clock(), self.timezone)
        print(LATER.format(when=when, who=address.removeprefix("console:")), file=self.out)
        print(self.render(reply), file=self.out)
        print(file=self.out, flush=True)
        return None


class Later:
    """The dispatcher and the scheduler's jobs for the console, run on its clock."""

    def __init__(
        self, app: App, clock: ConsoleClock, out: TextIO, render: Callable[..., str]
    ) -> None:
        sender = ConsoleSender(out, clock, app.engine.config.timezone, render)
        self.runner = Runner(app.db, app.engine.config, clock=clock)
        self.dispatcher = Dispatcher(app.sessions, [sender], clock=clock)

    async def start(self) -> None:
        """Lead the scheduling (another `hagshama run` on PostgreSQL may lead instead)."""
        await self.runner.elect()

    async def due(self) -> None:
        """Run every job once, then send whatever is due to console users."""
        for name in JOBS:
            await self.runner.run(name)
        await self.dispatcher.run(until_idle=True)

    async def stop(self) -> None:
        await self.runner.stop()
