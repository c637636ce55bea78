"""A stand-in for Twilio's Messages API on 127.0.0.1: records every message the bot sends,
answers with an injected error (63016, 21610, 429, 500) when a test asks it to, and can post a
signed status report to the message's StatusCallback before answering, as Twilio may. Like
Twilio it fetches every MediaUrl, records what was served, and refuses a message whose media
WhatsApp does not accept (12300, "Invalid Content-Type"), an image over 5 MB (11751) or a body
over 1,600 characters (21617). Media people send are served as Twilio does: the MediaUrl
answers only with the account's basic auth, by a redirect to the file in its media store."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import BasicAuth, ClientSession, web
from twilio.request_validator import RequestValidator

WHATSAPP_MEDIA = {
    "image/jpeg", "image/png", "image/webp",
    "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg",
    "video/mp4", "application/pdf", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/vcard", "text/x-vcard",
}  # fmt: skip
"""Twilio's list for WhatsApp ("WhatsApp media messages", Supported file types), kept here
apart from the bot's own so that a test checks one against the other."""
ACCOUNT_SID = "AC00000000000000000000000000000000"
AUTH_TOKEN = "stand-in-auth-token"
OUR_NUMBER = "whatsapp:+14155238886"
IMAGE_LIMIT = 5 * 1024 * 1024
BODY_LIMIT = 1600
PATIENCE = 30
"""Seconds a test waits for the bot before failing (never a timing assertion)."""


@dataclass(frozen=True)
class Fetched:
    """A MediaUrl as the stand-in fetched it."""

    url: str
    status: int
    content_type: str
    data: bytes


@dataclass
class Sent:
    """One Messages.json request: the form Twilio would have received, and the sid we gave."""

    form: dict[str, list[str]]
    sid: str
    accepted: bool
    media: list[Fetched] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        values = self.form.get(key)
        return values[0] if values else None

    @property
    def to(self) -> str:
        return self.get("To") or ""

    @property
    def body(self) -> str:
        return self.get("Body") or ""


@dataclass
class StandIn:
    requests: list[Sent] = field(default_factory=list)
    failures: list[tuple[int, int]] = field(default_factory=list)
    """(HTTP status, Twilio error code) answered to the next requests, first first."""
    media_failures: list[tuple[int, int]] = field(default_factory=list)
    """The same, for the next requests that carry media."""
    content_failures: list[tuple[int, int]] = field(default_factory=list)
    """The same, for the next requests that send a template (ContentSid)."""
    early_reports: list[list[dict[str, str]]] = field(default_factory=list)
    """Per next message, first first: status reports posted before its send is answered."""
    media_store: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Media people sent, by the MediaUrl's last part: (Content-Type, bytes)."""
    media_requests: list[tuple[str, bool]] = field(default_factory=list)
    """MediaUrls asked for, with whether the request carried the account's credentials."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _news: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Messages/{msg}/Media/{media}", self._media)
        app.router.add_get("/media-store/{token}", self._stored)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def sent_media(self, data: bytes, content_type: str) -> dict[str, str]:
        """The webhook fields of a message carrying this file, as Twilio would post them."""
        media = f"ME{secrets.token_hex(16)}"
        self.media_store[media] = (content_type, data)
        message = f"MM{secrets.token_hex(16)}"
        url = f"{self.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message}/Media/{media}"
        return {"NumMedia": "1", "MediaContentType0": content_type, "MediaUrl0": url}

    async def _media(self, request: web.Request) -> web.Response:
        expected = BasicAuth(ACCOUNT_SID, AUTH_TOKEN).encode()
        authorized = request.headers.get("Authorization") == expected
        self.media_requests.append((str(request.url), authorized))
        media = request.match_info["media"]
        if not authorized:
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        if media not in self.media_store:
            return web.json_response({"code": 20404, "message": "Not found"}, status=404)
        raise web.HTTPTemporaryRedirect(f"/media-store/{media}")

    async def _stored(self, request: web.Request) -> web.Response:
        content_type, data = self.media_store[request.match_info["token"]]
        return web.Response(body=data, headers={"Content-Type": content_type})

    def fail_next(self, status: int, code: int) -> None:
        self.failures.append((status, code))

    def fail_next_media(self, status: int, code: int) -> None:
        self.media_failures.append((status, code))

    def fail_next_content(self, status: int, code: int) -> None:
        self.content_failures.append((status, code))

    def report_before_answering(self, *statuses: str, **fields: str) -> None:
        """Report these statuses on the next message not yet given reports, before answering."""
        self.early_reports.append([{"MessageStatus": status, **fields} for status in statuses])

    @property
    def delivered(self) -> list[Sent]:
        return [sent for sent in self.requests if sent.accepted]

    def to(self, address: str) -> list[Sent]:
        return [sent for sent in self.delivered if sent.to == address]

    async def wait_for(self, check: Callable[[], bool]) -> None:
        async with asyncio.timeout(PATIENCE), self._news:
            await self._news.wait_for(check)

    async def _create(self, request: web.Request) -> web.Response:
        assert request.match_info["sid"] == ACCOUNT_SID
        form: dict[str, list[str]] = {}
        for key, value in (await request.post()).items():
            form.setdefault(key, []).append(str(value))
        sid = f"SM{next(self._ids):032d}"
        media = [await _fetch(url) for url in form.get("MediaUrl", [])]
        failure = self.failures.pop(0) if self.failures else None
        if failure is None and media and self.media_failures:
            failure = self.media_failures.pop(0)
        if failure is None and "ContentSid" in form and self.content_failures:
            failure = self.content_failures.pop(0)
        if failure is None and any(
            f.status != 200 or f.content_type not in WHATSAPP_MEDIA for f in media
        ):
            failure = (400, 12300)
        if failure is None and any(
            f.content_type.startswith("image/") and len(f.data) > IMAGE_LIMIT for f in media
        ):
            failure = (400, 11751)
        body = form.get("Body", [""])[0]
        if failure is None and len(body.encode("utf-16-le")) // 2 > BODY_LIMIT:
            failure = (400, 21617)
        async with self._news:
            self.requests.append(Sent(form, sid, accepted=failure is None, media=media))
            self._news.notify_all()
        if failure is not None:
            status, code = failure
            error = {"code": code, "message": f"stand-in error {code}", "status": status}
            return web.json_response(error, status=status)
        callback = form.get("StatusCallback")
        reports = self.early_reports.pop(0) if self.early_reports else []
        for report in reports:
            assert callback, "a report was asked for a message sent without a StatusCallback"
            await _post_signed(callback[0], {"MessageSid": sid, **report})
        answer = {"sid": sid, "status": "queued", "to": form["To"][0], "from": form["From"][0]}
        return web.json_response(answer, status=201)


async def _fetch(url: str) -> Fetched:
    async with ClientSession() as client, client.get(url) as response:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        return Fetched(url, response.status, kind, await response.read())


async def _post_signed(url: str, params: dict[str, str]) -> None:
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    async with (
        ClientSession() as client,
        client.post(url, data=params, headers={"X-Twilio-Signature": signature}) as response,
    ):
        assert response.status == 200, await response.text()
