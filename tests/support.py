"""Test helpers that drive the real engine the way a person would."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from bot.cli import main
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.types import Button, InboundFile, Incoming, Reply
from handlers.people.waitlist import OfferNotices
from models.people import Channel

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
"""Tests run on a fixed clock, before the demo catalogue's events."""
OFFERS = OfferNotices(EngineConfig())
"""How seats freed outside a conversation are offered on, with the default settings."""


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Chat:
    """One person talking to the bot on one channel."""

    engine: Engine
    address: str = "person-1"
    channel: Channel = Channel.CONSOLE
    replies: list[Reply] = field(default_factory=list)

    async def send(self, text: str, locale_hint: str | None = None) -> list[Reply]:
        incoming = Incoming(self.channel, self.address, text=text, locale_hint=locale_hint)
        return await self._deliver(incoming)

    async def says(self, typed: str, *wanted: str, absent: tuple[str, ...] = ()) -> list[Reply]:
        """One turn of a conversation: type `typed`; the answer must contain every `wanted`
        text and none of the `absent` ones."""
        replies = await self.send(typed)
        shown = self.shown
        missing = [text for text in wanted if text not in shown]
        present = [text for text in absent if text in shown]
        assert not missing and not present, (
            f"after typing {typed!r}: missing {missing}, unwanted {present} in:\n{shown}"
        )
        return replies

    async def send_media(self, kind: str) -> list[Reply]:
        return await self._deliver(Incoming(self.channel, self.address, media=kind))

    async def send_file(
        self,
        data: bytes,
        name: str | None = None,
        mime: str | None = "image/jpeg",
        *,
        size: int | None = None,
        unsized: bool = False,
        caption: str | None = None,
    ) -> list[Reply]:
        """Send a file, its bytes at hand (as the console sends one): with a `name` as a
        document, without one as a photo (phones send photos unnamed, as JPEG). The platform
        states `size` (by default the bytes' length), or none when `unsized` (as Twilio)."""
        stated = None if unsized else len(data) if size is None else size
        file = InboundFile(name, mime, stated, data=data)
        kind = "photo" if name is None else "document"
        incoming = Incoming(self.channel, self.address, text=caption, media=kind, file=file)
        return await self._deliver(incoming)

    async def share_contact(self, phone: str) -> list[Reply]:
        return await self._deliver(Incoming(self.channel, self.address, contact_phone=phone))

    async def press(self, label: str) -> list[Reply]:
        """Press the button, among those last shown, whose label contains `label`."""
        return await self.press_payload(self.button(label).payload)

    async def press_payload(self, payload: str) -> list[Reply]:
        return await self._deliver(Incoming(self.channel, self.address, payload=payload))

    def button(self, label: str) -> Button:
        matches = [b for r in self.replies for b in r.options() if label in b.label]
        assert matches, f"no button with {label!r} in {self.labels}"
        return matches[0]

    @property
    def labels(self) -> list[str]:
        return [b.label for r in self.replies for b in r.options()]

    @property
    def attachments(self) -> list[tuple[str, int]]:
        """The files of the last answer: (mime, size), in order."""
        return [(a.mime, len(a.data)) for r in self.replies for a in r.attachments]

    @property
    def text(self) -> str:
        """Everything the last answer said, as one string."""
        return "\n".join(r.text for r in self.replies)

    @property
    def shown(self) -> str:
        """The last answer as a text-only channel shows it: text, then the numbered options."""
        options = [f"{n}. {label}" for n, label in enumerate(self.labels, 1)]
        return "\n".join([self.text, *options])

    async def _deliver(self, incoming: Incoming) -> list[Reply]:
        self.replies = await self.engine.handle(incoming)
        return self.replies


def picture(width: int = 300, height: int = 200, kind: str = "JPEG") -> bytes:
    """A real picture, as a phone would send one (the bot checks the bytes, not the name)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, kind)
    return out.getvalue()


SCRIPTS = Path(__file__).parent / "scripts"


@dataclass(frozen=True)
class Said:
    """One turn of a scripted conversation: what is typed, and what its answer must and must
    not contain."""

    typed: str
    wanted: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


def says(typed: str, *wanted: str, absent: tuple[str, ...] = ()) -> Said:
    return Said(typed, wanted, absent)


def conversation(output: str) -> list[tuple[str, str]]:
    """What `hagshama chat --script` printed, as (what was typed, everything printed until the
    next thing typed)."""
    turns = [turn.partition("\n") for turn in output.split("» ")[1:]]
    return [(typed, answer) for typed, _, answer in turns]


def verify_dialog(output: str, dialog: list[Said]) -> None:
    """Check what `hagshama chat --script` printed, turn by turn (after Zulip's
    `verify_dialog`): the dialog's messages typed in its order, each answer as it says."""
    turns = conversation(output)
    assert [typed for typed, _ in turns] == [said.typed for said in dialog]
    for said, (_, answer) in zip(dialog, turns, strict=True):
        missing = [text for text in said.wanted if text not in answer]
        present = [text for text in said.absent if text in answer]
        assert not missing and not present, (
            f"after typing {said.typed!r}: missing {missing}, unwanted {present} in:\n{answer}"
        )


def hagshama(*args: str, database_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run the real `hagshama` command line against `database_url` and any other `settings`
    (environment variables), in this process: its own thread and event loop, its own
    environment, its output captured."""
    # Text streams over bytes, as a process has: commands may write bytes (`export` to stdout).
    stdout, stderr = _stream(), _stream()
    outcome: list[int] = []

    def run() -> None:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                outcome.append(main(list(args)))
            except SystemExit as exc:  # argparse refusing the arguments
                outcome.append(exc.code if isinstance(exc.code, int) else 2)

    with _environment(**settings, DATABASE_URL=database_url):
        worker = threading.Thread(target=run, name="hagshama-cli")
        worker.start()
        worker.join()
    return subprocess.CompletedProcess(
        ["hagshama", *args], outcome[0], _read(stdout), _read(stderr)
    )


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace")


def hagshama_process(
    *args: str, database_url: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `hagshama` command line in a child process against `database_url`."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
