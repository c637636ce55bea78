"""Attachments for Twilio to fetch: WhatsApp media must come from a public URL, so each file
is kept in memory for a few minutes under an unguessable address below PUBLIC_BASE_URL.
Kept in this process only: the process that sends a message must also serve its media."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from handlers.types import Attachment

MEDIA_PATH = "/whatsapp/media"
KEEP_SECONDS = 600.0
"""Twilio fetches media within seconds of the send; ten minutes leaves room for its retries."""


class MediaShelf:
    def __init__(self, public_base_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.public_base_url = public_base_url
        self.clock = clock
        self._files: dict[str, tuple[Attachment, float]] = {}

    def put(self, attachments: list[Attachment]) -> list[str]:
        """Shelve the files; returns the URLs to give Twilio."""
        now = self.clock()
        self._files = {k: v for k, v in self._files.items() if v[1] > now}
        urls = []
        for attachment in attachments:
            token = secrets.token_urlsafe(24)
            self._files[token] = (attachment, now + KEEP_SECONDS)
            name = quote(attachment.filename)
            urls.append(f"{self.public_base_url}{MEDIA_PATH}/{token}/{name}")
        return urls

    def route(self) -> Route:
        async def fetch(request: Request) -> Response:
            shelved = self._files.get(request.path_params["token"])
            if shelved is None or shelved[1] <= self.clock():
                return PlainTextResponse("gone", status_code=404)
            attachment = shelved[0]
            return Response(attachment.data, media_type=attachment.mime)

        return Route(MEDIA_PATH + "/{token}/{name}", fetch, methods=["GET"])
