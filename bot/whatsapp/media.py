"""Attachments for Twilio to fetch: WhatsApp media must come from a public URL, so each file
is kept for a while under an unguessable address below PUBLIC_BASE_URL. The files live in the
database: Twilio's fetch may reach any of our instances, not only the one that sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from handlers.core.types import Attachment
from models.base import utcnow
from models.shared_files import FileToShare, share, shared
from scheduler.sender import PermanentFailure

ACCEPTED = frozenset(
    {
        "image/jpeg", "image/png", "image/webp",
        "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg",
        "video/mp4",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "text/vcard", "text/x-vcard",
    }
)  # fmt: skip
"""The media types Twilio delivers on WhatsApp ("WhatsApp media messages"): not .ics, .csv or
.json, which handlers send by link or in another format there."""
IMAGE_LIMIT = 5 * 1024 * 1024
TOTAL_LIMIT = 16 * 1024 * 1024
MEDIA_PATH = "/whatsapp/media"
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What `share` hands out (token_urlsafe): anything else is no file of ours, not a query."""
KEEP = timedelta(hours=1)
"""Twilio fetches media within seconds of the send; an hour leaves room for its retries."""


class MediaShelf:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        public_base_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.public_base_url = public_base_url
        self.clock = clock

    async def put(self, attachments: list[Attachment]) -> list[str]:
        """Shelve the files; returns the URLs to give Twilio. A file WhatsApp would refuse is
        refused here, before Twilio is asked (PermanentFailure)."""
        if not attachments:
            return []
        for attachment in attachments:
            if attachment.mime not in ACCEPTED:
                raise PermanentFailure(f"WhatsApp does not deliver {attachment.mime} files")
            if attachment.mime.startswith("image/") and len(attachment.data) > IMAGE_LIMIT:
                raise PermanentFailure("WhatsApp delivers images up to 5 MB")
        if sum(len(attachment.data) for attachment in attachments) > TOTAL_LIMIT:
            raise PermanentFailure("WhatsApp delivers up to 16 MB of media per message")
        tokens = []
        async with self.sessions() as session, session.begin():
            for attachment in attachments:
                if attachment.shared is not None:
                    # Already shared (a broadcast's photo): one address for every copy.
                    tokens.append(attachment.shared)
                    continue
                file = FileToShare(attachment.filename, attachment.mime, attachment.data)
                tokens.append(await share(session, file, self.clock() + KEEP))
        return [
            f"{self.public_base_url}{MEDIA_PATH}/{token}/{quote(attachment.filename)}"
            for token, attachment in zip(tokens, attachments, strict=True)
        ]

    def route(self) -> Route:
        async def fetch(request: Request) -> Response:
            token = request.path_params["token"]
            if not TOKEN.fullmatch(token):
                return PlainTextResponse("gone", status_code=404)
            async with self.sessions() as session:
                file = await shared(session, token, self.clock())
            if file is None:
                return PlainTextResponse("gone", status_code=404)
            return Response(file.data, media_type=file.mime)

        return Route(MEDIA_PATH + "/{token}/{name}", fetch, methods=["GET"])
