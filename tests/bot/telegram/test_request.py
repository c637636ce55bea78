"""The Bot API reached through aiohttp: what python-telegram-bot sends arrives whole, files
included, and a server that fails to answer becomes python-telegram-bot's own errors."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram.request import AiohttpRequest
from tests.bot.telegram.standin import TOKEN, StandIn

CHAT = 7002


@pytest_asyncio.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.base_url, request=AiohttpRequest(4)) as bot:
        yield bot


async def test_messages_with_buttons_photos_and_documents_arrive_whole(
    standin: StandIn, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("תפריט", callback_data="m:menu")]])
    sent = await bot.send_message(CHAT, "שלום & <b>", reply_markup=markup)
    await bot.send_photo(CHAT, InputFile(b"\x89PNG fake", filename="qr.png"), caption="קוד")
    await bot.send_document(CHAT, InputFile(b'{"a": 1}', filename="my-data.json"))
    [message] = standin.sent(CHAT)
    assert message.params["text"] == "שלום & <b>" and message.buttons == {"תפריט": "m:menu"}
    assert sent.text == "שלום & <b>"
    [photo] = standin.sent(CHAT, "sendPhoto")
    assert photo.params["photo"]["data"] == b"\x89PNG fake" and photo.params["caption"] == "קוד"
    [document] = standin.sent(CHAT, "sendDocument")
    assert document.params["document"]["filename"] == "my-data.json"
    assert document.params["document"]["data"] == b'{"a": 1}'


async def test_a_refusal_by_the_bot_api_is_python_telegram_bots_error(
    standin: StandIn, bot: Bot
) -> None:
    standin.fail("sendMessage", 400)
    with pytest.raises(BadRequest, match=r"(?i)injected"):
        await bot.send_message(CHAT, "hello")


async def test_no_server_is_a_network_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_a_server_that_never_answers_times_out() -> None:
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(-1)  # reads the request, answers nothing
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
        server.close()


async def test_a_proxy_named_in_the_environment_carries_the_requests(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", standin.base_url.removesuffix("/bot"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    unreachable = "http://api.telegram.invalid/bot"  # only the proxy knows its way
    async with Bot(TOKEN, base_url=unreachable, request=AiohttpRequest()) as bot:
        await bot.send_message(CHAT, "through the proxy")
    [message] = standin.sent(CHAT)
    assert message.params["text"] == "through the proxy"
