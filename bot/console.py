"""The console channel: replies as text with numbered options, for people and for scripts."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from handlers.engine import Engine
from handlers.types import Incoming, Reply
from models.people import Channel

MEDIA = re.compile(r"^<(photo|voice|video|document|sticker|location)>$")
CONTACT = re.compile(r"^<contact\s+(\+?[\d\s-]+)>$")


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


class Console:
    def __init__(
        self,
        engine: Engine,
        address: str,
        out: TextIO | None = None,
        attachments_dir: Path | None = None,
    ) -> None:
        self.engine = engine
        self.address = address
        self.out = out or sys.stdout  # looked up now: the stream may have been redirected
        self.attachments_dir = attachments_dir

    async def say(self, line: str) -> list[Reply]:
        """Send one line and print the replies."""
        replies = await self.engine.handle(incoming(line, self.address))
        for reply in replies:
            print(render(reply), file=self.out)
            self._save(reply)
        print(file=self.out)
        return replies

    async def play(self, lines: Iterable[str]) -> None:
        """Play a script: every non-empty line that is not a `#` comment, echoed with `» `."""
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            print(f"» {line.rstrip()}", file=self.out)
            await self.say(line.rstrip("\n"))

    async def interact(self) -> None:
        """Read lines from the terminal until end of input."""
        await self.say("/start")
        while True:
            try:
                line = await asyncio.to_thread(input, "» ")
            except EOFError:
                return
            if line.strip():
                await self.say(line)

    def _save(self, reply: Reply) -> None:
        if self.attachments_dir is None:
            return
        self.attachments_dir.mkdir(parents=True, exist_ok=True)
        for attachment in reply.attachments:
            (self.attachments_dir / attachment.filename).write_bytes(attachment.data)
