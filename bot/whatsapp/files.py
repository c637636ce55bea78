"""Files people send on WhatsApp, fetched when a step asks: Twilio's MediaUrl (from the signed
webhook) with HTTP basic auth, which Twilio answers by a redirect to its media store. Twilio
says no size beforehand, so the download stops at the step's limit."""

from __future__ import annotations

import logging

import aiohttp

from handlers.core.types import FileFetchError, FileProblem, InboundFile

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=30)


class TwilioFiles:
    """Create inside the running event loop; close when done."""

    def __init__(self, account_sid: str, auth_token: str, api_base_url: str | None) -> None:
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.api = (api_base_url or TWILIO_API).rstrip("/") + "/"
        self._http: aiohttp.ClientSession | None = None

    async def fetch(self, file: InboundFile, limit: int) -> bytes:
        # Our credentials go to Twilio's API only, whatever a URL says.
        if not file.ref.startswith(self.api):
            raise FileFetchError(FileProblem.UNAVAILABLE)
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            # aiohttp drops the credentials when a redirect leaves Twilio's host.
            async with self._http.get(file.ref, auth=self.auth) as response:
                if response.status != 200:
                    log.info("twilio media answered %d", response.status)
                    raise FileFetchError(FileProblem.UNAVAILABLE)
                if (response.content_length or 0) > limit:
                    raise FileFetchError(FileProblem.TOO_LARGE, response.content_length)
                data = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    data += chunk
                    if len(data) > limit:
                        raise FileFetchError(FileProblem.TOO_LARGE)
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("twilio media not fetched: %s", type(exc).__name__)
            raise FileFetchError(FileProblem.UNAVAILABLE) from exc

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
