"""The stand-in Bot API in a process of its own, steered over HTTP: for benchmarks and for tests
with several bot processes, where the stand-in's work must not be counted as the bot's.

    python -m tests.bot.telegram.standin_process [--limit 30]

prints its base URL (…/bot) on the first line. `--limit` makes it behave like Telegram's flood
control: a message beyond `limit` a second over any WINDOW seconds, plus a second's worth of
burst, is refused with 429 and a retry_after. Telegram does not publish its algorithm; the
burst forgives a host that stalls for a moment (on a machine shared with other work a bot, or
this stand-in, may lose the CPU for a fraction of a second and then catch up) while any excess
that lasts is caught. When the stand-in itself was starved, the messages that waited for it in
the socket arrive together though they were sent over the pause; Telegram would have seen them
spread out, so the seconds the stand-in lost are credited for the next WINDOW.
`Remote` is the client a benchmark or test drives it with.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections import deque
from types import TracebackType
from typing import Any, NamedTuple

import httpx
from aiohttp import web

from tests.bot.telegram.standin import Failure, Json, StandIn

SENDS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "editMessageText"})
WINDOW = 5.0
TICK = 0.05
"""How often the stand-in looks at its own clock to notice that it was starved of the CPU."""


class Send(NamedTuple):
    """One message the stand-in accepted."""

    at: float
    """time.monotonic() in the stand-in's process."""
    method: str
    chat_id: int | None
    text: str | None


class Throttled(StandIn):
    """A stand-in that enforces a bot-wide rate, as Telegram's flood control does."""

    def __init__(self, limit: float | None) -> None:
        super().__init__()
        self.limit = limit
        self.recent: deque[float] = deque()
        self.sends: list[Send] = []
        self.refused = 0
        self.stalls: deque[tuple[float, float]] = deque()
        """(when noticed, seconds lost) for each time this process was starved of the CPU."""

    async def watch(self) -> None:
        """Notice the moments this process did not run, however short its sleep was meant to be."""
        while True:
            before = time.monotonic()
            await asyncio.sleep(TICK)
            now = time.monotonic()
            if now - before > 2 * TICK:
                self.stalls.append((now, now - before - TICK))

    def admit(self, method: str, params: Json) -> Failure | None:
        """Record an accepted message, or refuse it when it is over the limit."""
        if method not in SENDS:
            return None
        now = time.monotonic()
        if self.limit is not None:
            while self.recent and self.recent[0] <= now - WINDOW:
                self.recent.popleft()
            while self.stalls and self.stalls[0][0] <= now - WINDOW:
                self.stalls.popleft()
            lost = sum(seconds for _, seconds in self.stalls)
            if len(self.recent) >= self.limit * (WINDOW + 1 + lost):
                self.refused += 1
                return Failure(429, "Too Many Requests: retry after 1", 1)
            self.recent.append(now)
        chat = params.get("chat_id")
        text = params.get("text")
        self.sends.append(
            Send(now, method, int(chat) if chat else None, str(text) if text else None)
        )
        return None

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/control/push", self._push)
        app.router.add_get("/control/wait", self._wait)
        app.router.add_get("/control/sends", self._sends)
        app.router.add_post("/control/fail", self._fail)

    async def _push(self, request: web.Request) -> web.Response:
        """Queue `count` messages `text` from chats first_chat … first_chat + chats - 1."""
        body = await request.json()
        first, chats, text = int(body["first_chat"]), int(body["chats"]), str(body["text"])
        for n in range(int(body["count"])):
            await self.push(self.message(first + n % chats, text))
        return web.json_response({"ok": True})

    async def _wait(self, request: web.Request) -> web.Response:
        """Answer once `method` has been called `at_least` times in all."""
        method, target = request.query["method"], int(request.query["at_least"])
        await self.wait_for(lambda: self.counts[method] >= target, float(request.query["patience"]))
        return web.json_response({"count": self.counts[method]})

    async def _sends(self, request: web.Request) -> web.Response:
        return web.json_response({"sends": self.sends, "refused": self.refused})

    async def _fail(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.fail(body["method"], int(body["code"]), retry_after=body.get("retry_after"))
        return web.json_response({"ok": True})


class Control:
    """The client that steers a stand-in process."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = httpx.AsyncClient(
            base_url=base_url.removesuffix("/bot") + "/control", timeout=None
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def push(self, first_chat: int, chats: int, count: int, text: str) -> None:
        """Queue `count` messages for getUpdates, from `chats` people in turn."""
        body = {"first_chat": first_chat, "chats": chats, "count": count, "text": text}
        (await self.client.post("/push", json=body)).raise_for_status()

    async def wait(self, method: str, at_least: int, patience: float) -> int:
        """Wait until `method` has been called `at_least` times in all."""
        query = {"method": method, "at_least": at_least, "patience": patience}
        response = await self.client.get("/wait", params=query)
        response.raise_for_status()
        return int(response.json()["count"])

    async def sends(self) -> tuple[list[Send], int]:
        """Every message accepted, and how many were refused with 429."""
        body = (await self.client.get("/sends")).json()
        return [Send(*send) for send in body["sends"]], int(body["refused"])

    async def fail(self, method: str, code: int, retry_after: int | None = None) -> None:
        """The next call of `method` fails with `code`."""
        body = {"method": method, "code": code, "retry_after": retry_after}
        (await self.client.post("/fail", json=body)).raise_for_status()


class Remote:
    """A stand-in process, stopped on leaving the `async with`."""

    def __init__(self, limit: float | None = None) -> None:
        command = [sys.executable, "-m", "tests.bot.telegram.standin_process"]
        if limit is not None:
            command += ["--limit", str(limit)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        base_url = self.process.stdout.readline().strip()
        if not base_url:
            raise RuntimeError("the stand-in Bot API did not start")
        self.control = Control(base_url)

    @property
    def base_url(self) -> str:
        return self.control.base_url

    async def __aenter__(self) -> Control:
        return self.control

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.control.aclose()
        self.process.kill()
        self.process.wait()


async def _serve(limit: float | None) -> None:
    standin = Throttled(limit)
    print(await standin.start(), flush=True)
    await standin.watch()


def _arguments() -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, help="messages a second before 429")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(_serve(_arguments().limit))
