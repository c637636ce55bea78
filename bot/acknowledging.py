"""The acknowledgement routes (Telegram's webhook, Twilio's callbacks) as bare ASGI apps.

What the platforms time is how soon we answer: here a request costs its header check, a
bounded body read and its share of one INSERT (bot/intake.py), and nothing of Starlette's
Request, Response, middleware or routing, which the HTTP server bypasses for these paths
(bot/http.py). Refusals are short plain-text answers; a body that cannot be stored is a 503
so the platform sends it again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send

from bot.http import DirectRoute, Limits
from bot.intake import Intake, Unavailable


@dataclass(frozen=True)
class Answer:
    """A whole response, sent in two ASGI messages."""

    status: int
    body: bytes = b""
    content_type: bytes = b"text/plain; charset=utf-8"

    async def send(self, send: Send, *extra: tuple[bytes, bytes]) -> None:
        headers = [
            (b"content-type", self.content_type),
            (b"content-length", b"%d" % len(self.body)),
            *extra,
        ]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def refusal(status: int, reason: str) -> Answer:
    return Answer(status, reason.encode())


OK = Answer(200)
FORBIDDEN = refusal(403, "forbidden")
TRY_AGAIN = refusal(503, "try again")
NOT_ALLOWED = refusal(405, "Method Not Allowed")


class BodyRefused(Exception):
    """A body we will not read to the end: too large, too slow, or its sender left."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.answer = refusal(status, reason)


class Posted:
    """One POST, read only as far as its handler asks."""

    def __init__(self, scope: Scope, receive: Receive, limits: Limits) -> None:
        self.scope = scope
        self.receive = receive
        self.limits = limits

    def header(self, name: bytes) -> bytes | None:
        """A header's raw value; `name` in lower case, as ASGI gives them."""
        for key, value in self.scope["headers"]:
            if key == name:
                return bytes(value)
        return None

    @property
    def target(self) -> str:
        """The path and query string, as the sender addressed them."""
        query = self.scope["query_string"]
        path = str(self.scope["path"])
        return f"{path}?{query.decode('latin-1')}" if query else path

    async def body(self) -> bytes:
        """The body, refused (BodyRefused) as soon as it is known to exceed the limits."""
        declared = self.header(b"content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.limits.max_body
        ):
            raise BodyRefused(413, "body too large")
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                while True:
                    message = await self.receive()
                    if message["type"] == "http.disconnect":
                        raise BodyRefused(400, "client left mid-body")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limits.max_body:
                        raise BodyRefused(413, "body too large")
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        except TimeoutError:
            raise BodyRefused(408, "body too slow") from None


Handler = Callable[[Posted], Awaitable[Answer]]


class Acknowledging:
    """An ASGI app answering POSTs to one path by `handle`, counted as webhook requests in
    progress (Intake.request) from their first byte to their answer."""

    def __init__(self, intake: Intake, limits: Limits, handle: Handler) -> None:
        self.intake = intake
        self.limits = limits
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await NOT_ALLOWED.send(send, (b"allow", b"POST"))
            return
        with self.intake.request():
            try:
                answer = await self.handle(Posted(scope, receive, self.limits))
            except BodyRefused as refused:
                answer = refused.answer
            except Unavailable:
                answer = TRY_AGAIN
        await answer.send(send)

    def route(self, path: str) -> DirectRoute:
        return DirectRoute(path, self, methods=["POST"])
