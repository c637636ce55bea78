"""The console channel: replies as text with numbered options, for people and for scripts.

A line ending in `\\` goes on on the next line, so one message can hold several (a bulletin's
title and body). `/clock +2h` (console only) moves the console's clock forward; `/file PATH`
(console only) sends that file as a document, as a coordinator would from a phone; what the bot
sends on its own when something falls due is printed too, marked as such (bot/console_later.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.console_later import ConsoleClock, Later
from handlers.core.engine import Engine
from handlers.core.types import InboundFile, Incoming, Reply
from handlers.features import FEATURES
from handlers.inputs.date_input import read_length, read_moment
from locales.dates import local
from models.people import Channel

MEDIA = re.compile(r"^<(photo|voice|video|document|sticker|location)>$")
CONTACT = re.compile(r"^<contact\s+(\+?[\d\s-]+)>$")
CLOCK = re.compile(r"^/clock(?:\s+\+\s*(?P<ahead>.+)|\s+(?P<moment>.+))?$", re.IGNORECASE)
FILE = re.compile(r"^/file\s+(?P<path>.+)$", re.IGNORECASE)
CONTINUED = "\\"
IDLE_CHECK = 5.0
"""Seconds between looks for something due while waiting for the person to type."""


def render(reply: Reply) -> str:
    """A reply as the console shows it: text, numbered options, attachments."""
    lines = [reply.text]
    lines += [f"  {n}. {button.label}" for n, button in enumerate(reply.options(), 1)]
    lines += [f"  📎 {a.filename} ({a.mime}, {len(a.data)} bytes)" for a in reply.attachments]
    return "\n".join(lines)


def incoming(line: str, address: str) -> Incoming:
    """Typed text; `<photo>`-style lines stand for media, `<contact +972…>` for a shared phone."""
    if match := MEDIA.match(line.strip()):
        return Incoming(Channel.CONSOLE, address, media=match.group(1))
    if match := CONTACT.match(line.strip()):
        return Incoming(Channel.CONSOLE, address, contact_phone=match.group(1))
    return Incoming(Channel.CONSOLE, address, text=line)


def document(path: Path, address: str) -> Incoming:
    """A file on this computer sent as a document (OSError when it cannot be read)."""
    data = path.expanduser().read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    file = InboundFile(path.name, mime, len(data), data=data)
    return Incoming(Channel.CONSOLE, address, media="document", file=file)


def messages(lines: Iterable[str]) -> Iterator[str]:
    """Lines joined into messages: a line ending in `\\` continues on the next one."""
    parts: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        if line.endswith(CONTINUED):
            parts.append(line[: -len(CONTINUED)])
            continue
        yield "\n".join([*parts, line])
        parts = []
    if parts:
        yield "\n".join(parts)


class Console:
    def __init__(
        self,
        engine: Engine,
        address: str,
        out: TextIO | None = None,
        attachments_dir: Path | None = None,
        later: Later | None = None,
        clock: ConsoleClock | None = None,
    ) -> None:
        self.engine = engine
        self.address = address
        self.out = out or sys.stdout  # looked up now: the stream may have been redirected
        self.attachments_dir = attachments_dir
        self.later = later
        self.clock = clock
        self._turn = asyncio.Lock()

    async def say(self, line: str) -> list[Reply]:
        """Send one message and print the replies, then whatever has fallen due."""
        async with self._turn:
            replies = []
            if (moved := CLOCK.match(line.strip())) and self.clock is not None:
                self._move_clock(moved["ahead"], moved["moment"])
            else:
                message = self._message(line)
                if message is not None:
                    replies = await self.engine.handle(message)
                for reply in replies:
                    print(render(reply), file=self.out)
                    self._save(reply)
                print(file=self.out, flush=True)
            if self.later is not None:
                await self.later.due()
            return replies

    def _message(self, line: str) -> Incoming | None:
        """The line as a message; None (said why) for a `/file` that cannot be read."""
        sent = FILE.match(line.strip())
        if sent is None:
            return incoming(line, self.address)
        path = Path(sent["path"].strip().strip('"'))
        try:
            return document(path, self.address)
        except OSError as exc:
            print(f"/file: {exc.strerror or exc}: {path}", file=self.out)
            return None

    async def play(self, lines: Iterable[str]) -> None:
        """Play a script: every message that is not empty or a `#` comment, echoed with `» `."""
        for message in messages(lines):
            if not message.strip() or message.lstrip().startswith("#"):
                continue
            print(f"» {message.rstrip()}", file=self.out)
            await self.say(message)

    async def interact(self) -> None:
        """Read messages from the terminal until end of input, printing what falls due."""
        watcher = asyncio.create_task(self._watch())
        try:
            await self.say("/start")
            while True:
                try:
                    message = await self._read()
                except EOFError:
                    return
                if message.strip():
                    await self.say(message)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _read(self) -> str:
        parts = [await asyncio.to_thread(input, "» ")]
        while parts[-1].endswith(CONTINUED):
            parts[-1] = parts[-1][: -len(CONTINUED)]
            parts.append(await asyncio.to_thread(input, "… "))
        return "\n".join(parts)

    async def _watch(self) -> None:
        while self.later is not None:
            await asyncio.sleep(IDLE_CHECK)
            async with self._turn:
                await self.later.due()

    def _move_clock(self, ahead: str | None, moment: str | None) -> None:
        """`/clock` shows the console's time; `/clock +2h` (or +90m, +1d) moves it forward, and
        `/clock 14.1.2030 10:00` moves it to that moment (never back)."""
        assert self.clock is not None
        now, timezone = self.clock(), self.engine.config.timezone
        length = read_length(ahead) if ahead else None
        target = read_moment(moment, now, timezone) if moment else None
        if isinstance(length, timedelta) and length > timedelta(0):
            self.clock.ahead += length
        elif isinstance(target, datetime) and target > now:
            self.clock.ahead += target - now
        elif ahead or moment:
            print("/clock +2h · /clock +1d · /clock 14.1.2030 10:00 (ahead only)", file=self.out)
        when = local(self.clock(), self.engine.config.timezone)
        hours, minutes = divmod(int(self.clock.ahead.total_seconds()) // 60, 60)
        print(
            f"🕒 {when:%a %d.%m.%Y %H:%M} (console clock +{hours}:{minutes:02d})\n", file=self.out
        )

    def _save(self, reply: Reply) -> None:
        if self.attachments_dir is None:
            return
        self.attachments_dir.mkdir(parents=True, exist_ok=True)
        for attachment in reply.attachments:
            (self.attachments_dir / attachment.filename).write_bytes(attachment.data)


async def converse(
    app: App, address: str, script: list[str] | None, attachments_dir: Path | None
) -> None:
    """Talk to the bot as `address`, from a script's lines or the terminal, with the dispatcher
    and the scheduler running on the console's own clock."""
    clock = ConsoleClock()
    engine = Engine(app.sessions, app.engine.config, clock=clock, features=FEATURES)
    later = Later(app, clock, sys.stdout, render)
    await later.start()
    console = Console(engine, address, sys.stdout, attachments_dir, later, clock)
    try:
        if script is not None:
            await console.play(script)
        else:
            await console.interact()
    finally:
        await later.stop()
