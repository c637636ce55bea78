"""A stand-in for Telegram's Bot API on 127.0.0.1, for tests and the benchmark.

It serves the methods the bot uses, records every request, hands queued updates to long
polling, and answers with an injected 429 (retry_after) or 403 when a test asks it to. Like
Telegram it takes a photo as an upload or by the file id it gave an earlier one, refuses a
caption over 1,024 characters and a photo over 10 MB, and keeps the photos and documents a
person "sends" for getFile, served under /file/bot<token>/<file_path> (none over 20 MB).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:STAND-IN-TOKEN"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Hagshama",
    "username": "hagshama_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
PATIENCE = 30
"""Seconds a test waits for the bot before failing (never a timing assertion)."""
TEXT_FIELDS = {"text", "caption", "callback_query_id", "url", "secret_token", "language_code"}
CAPTION = 1024
PHOTO_LIMIT = 10 * 1024 * 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""Telegram's limits: a caption, a photo the bot sends, a file the bot may download."""

Json = dict[str, Any]


@dataclass
class Call:
    """One request the bot made: the method and its decoded parameters."""

    method: str
    params: Json

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None else None

    @property
    def buttons(self) -> dict[str, str]:
        """Inline button label → callback_data, in reading order."""
        rows = (self.params.get("reply_markup") or {}).get("inline_keyboard", [])
        return {b["text"]: b["callback_data"] for row in rows for b in row}


@dataclass
class Failure:
    code: int
    description: str
    retry_after: int | None = None


@dataclass
class StandIn:
    user_language: str = "he"
    calls: list[Call] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    """Requests per method, cheap to poll when many are expected."""
    messages: dict[tuple[int, int], Json] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """file_id → (file_path, bytes): photos the bot uploaded and files people sent."""
    downloads: list[str] = field(default_factory=list)
    """The file paths the bot downloaded."""
    _updates: list[Json] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _news: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _closing: bool = False
    base_url: str = ""

    async def start(self) -> str:
        """Listen on a free port; returns the base URL to give the bot (…/bot)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        async with self._news:  # end pending long polls now rather than at their timeout
            self._closing = True
            self._news.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    def routes(self, app: web.Application) -> None:
        """More routes, for a stand-in steered from another process."""

    def admit(self, method: str, params: Json) -> Failure | None:
        """A refusal the stand-in itself decides on (flood control); None lets the call through."""
        return None

    # What a test injects -------------------------------------------------------------------

    def fail(
        self, method: str, code: int, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """The next `times` calls of `method` fail with `code` (429 with retry_after, 403…)."""
        description = {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
        }.get(code, "Bad Request: injected")
        self._failures.setdefault(method, []).extend(
            Failure(code, description, retry_after) for _ in range(times)
        )

    async def push(self, update: Json) -> None:
        """Queue an update for getUpdates (polling mode)."""
        async with self._news:
            self._updates.append(update)
            self._news.notify_all()

    def update(self, **content: Any) -> Json:
        return {"update_id": next(self._ids), **content}

    def user(self, chat_id: int) -> Json:
        return {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Noa",
            "last_name": f"#{chat_id}",
            "language_code": self.user_language,
        }

    def message(self, chat_id: int, text: str) -> Json:
        """An update: the person typed `text`."""
        return self.update(message=self._incoming(chat_id, text=text))

    def contact(self, chat_id: int, phone: str, *, owner: int | None = None) -> Json:
        """An update: the person shared a contact card (their own unless `owner` says)."""
        card = {"phone_number": phone, "first_name": "Noa", "user_id": owner or chat_id}
        return self.update(message=self._incoming(chat_id, contact=card))

    def photo(self, chat_id: int, data: bytes, caption: str | None = None) -> Json:
        """An update: the person sent a photo (Telegram offers it in sizes, largest last)."""
        small = self._keep(data[:100], "photos/file_{}.jpg")
        file_id = self._keep(data, "photos/file_{}.jpg")
        sizes = [
            {"file_id": small, "file_unique_id": small[-6:], "width": 90, "height": 60},
            {
                "file_id": file_id,
                "file_unique_id": file_id[-6:],
                "width": 900,
                "height": 600,
                "file_size": len(data),
            },
        ]
        extra = {"caption": caption} if caption else {}
        return self.update(message=self._incoming(chat_id, photo=sizes, **extra))

    def document(
        self, chat_id: int, data: bytes, name: str, mime: str, caption: str | None = None
    ) -> Json:
        """An update: the person sent a file as a document (kept for getFile)."""
        file_id = self._keep(data, "documents/file_{}." + name.rpartition(".")[2])
        document = {
            "file_id": file_id,
            "file_unique_id": file_id[-6:],
            "file_name": name,
            "mime_type": mime,
            "file_size": len(data),
        }
        extra = {"caption": caption} if caption else {}
        return self.update(message=self._incoming(chat_id, document=document, **extra))

    def voice(self, chat_id: int) -> Json:
        """An update: the person sent a voice note."""
        file_id = self._keep(b"OggS", "voice/file_{}.oga")
        voice = {"file_id": file_id, "file_unique_id": file_id[-6:], "duration": 3}
        return self.update(message=self._incoming(chat_id, voice=voice))

    def _keep(self, data: bytes, path: str) -> str:
        """Keep a file for getFile under a new file id; `path` has a {} for its number."""
        number = next(self._ids)
        file_id = f"BQACAgQAAxkBAAI{number}"
        self.files[file_id] = (path.format(number), data)
        return file_id

    def _incoming(self, chat_id: int, **content: Any) -> Json:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Noa"},
            "from": self.user(chat_id),
            **content,
        }

    def press(self, chat_id: int, label: str) -> Json:
        """An update: the person pressed the latest button whose label contains `label`."""
        for (chat, _), message in reversed(self.messages.items()):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if chat == chat_id and label in button["text"]:
                    query = {
                        "id": str(next(self._ids)),
                        "from": self.user(chat_id),
                        "chat_instance": str(chat_id),
                        "message": message,
                        "data": button["callback_data"],
                    }
                    return self.update(callback_query=query)
        raise AssertionError(f"no button with {label!r} in chat {chat_id}")

    # What a test reads ---------------------------------------------------------------------

    def sent(self, chat_id: int, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method and c.chat_id == chat_id]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], Any], patience: float = PATIENCE) -> Any:
        """Wait until `condition()` is truthy (re-checked on every request); returns it."""
        async with asyncio.timeout(patience), self._news:
            await self._news.wait_for(condition)
        return condition()

    async def reply_to(self, chat_id: int, update: Json, count: int = 1) -> list[Call]:
        """Push `update` and wait for the bot's next `count` messages to that chat."""
        before = len(self.sent(chat_id))
        await self.push(update)
        await self.wait_for(lambda: len(self.sent(chat_id)) >= before + count)
        return self.sent(chat_id)[before:]

    # The Bot API ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        async with self._news:
            self.calls.append(Call(method, params))
            self.counts[method] += 1
            self._news.notify_all()
        failures = self._failures.get(method)
        failure = failures.pop(0) if failures else self._refusal(method, params)
        failure = failure or self.admit(method, params)
        if failure is not None:
            body: Json = {
                "ok": False,
                "error_code": failure.code,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(body, status=failure.code)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._answer(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: Json) -> list[Json]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._news:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout:
                try:
                    async with asyncio.timeout(timeout):
                        await self._news.wait_for(lambda: bool(self._updates) or self._closing)
                except TimeoutError:
                    pass
            return self._updates[: int(params.get("limit") or 100)]

    def _refusal(self, method: str, params: Json) -> Failure | None:
        """What Telegram itself would refuse: a photo too big, a caption too long, a file id
        it never gave, a download over its limit."""
        if method == "sendPhoto":
            photo = params["photo"]
            if len(_shown(params, "caption")) > CAPTION:
                return Failure(400, "Bad Request: message caption is too long")
            if isinstance(photo, dict) and len(photo["data"]) > PHOTO_LIMIT:
                return Failure(413, "Request Entity Too Large")
            if isinstance(photo, str) and photo not in self.files:
                return Failure(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if method == "getFile":
            found = self.files.get(str(params["file_id"]))
            if found is None:
                return Failure(400, "Bad Request: invalid file_id")
            if len(found[1]) > DOWNLOAD_LIMIT:
                return Failure(400, "Bad Request: file is too big")
        return None

    def _answer(self, method: str, params: Json) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendDocument", "sendPhoto"}:
            return self._store(params, method)
        if method in {"editMessageText", "editMessageReplyMarkup"}:
            key = (int(params["chat_id"]), int(params["message_id"]))
            message = dict(self.messages[key])
            if "text" in params:
                message["text"] = _shown(params)
            message["reply_markup"] = _inline(params)
            self.messages[key] = message
            return message
        if method == "getFile":
            return self._get_file(str(params["file_id"]))
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True  # answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook…

    def _get_file(self, file_id: str) -> Json:
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-6:],
            "file_size": len(data),
            "file_path": path,
        }

    async def _download(self, request: web.Request) -> web.Response:
        assert request.match_info["token"] == TOKEN, "a download with another bot's token"
        path = request.match_info["path"]
        found = [data for stored, data in self.files.values() if stored == path]
        if not found:
            return web.Response(status=404, text="Not Found")
        async with self._news:
            self.downloads.append(path)
            self._news.notify_all()
        return web.Response(body=found[0], content_type="application/octet-stream")

    def _store(self, params: Json, method: str) -> Json:
        chat_id = int(params["chat_id"])
        message: Json = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Noa"},
            "from": BOT_USER,
            "reply_markup": _inline(params),
        }
        if method == "sendMessage":
            message["text"] = _shown(params)
        elif method == "sendDocument":
            message["document"] = {
                "file_id": f"doc{message['message_id']}",
                "file_unique_id": f"d{message['message_id']}",
                "file_name": params["document"]["filename"],
            }
        else:
            photo = params["photo"]
            file_id = (
                photo if isinstance(photo, str) else self._keep(photo["data"], "photos/file_{}.jpg")
            )
            message["photo"] = [
                {"file_id": file_id, "file_unique_id": file_id, "width": 100, "height": 100}
            ]
            if params.get("caption"):
                message["caption"] = _shown(params, "caption")
        self.messages[chat_id, message["message_id"]] = message
        return message


def _shown(params: Json, name: str = "text") -> str:
    """The text as a person sees it: HTML entities decoded (we never send tags)."""
    text = str(params.get(name) or "")
    return html.unescape(text) if params.get("parse_mode") == "HTML" else text


def _inline(params: Json) -> Json | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


async def _params(request: web.Request) -> Json:
    """python-telegram-bot posts forms whose non-string values are JSON-encoded."""
    params: Json = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = {"filename": value.filename, "data": value.file.read()}
        elif name in TEXT_FIELDS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
    return params
