"""`hagshama run` in a child process with both channels behind webhooks, and a client that
posts to it the way Telegram and Twilio do."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import sys
from pathlib import Path

import httpx

from bot.telegram.webhook import SECRET_HEADER
from tests.bot.telegram.standin import PATIENCE, TOKEN, Json
from tests.bot.telegram.standin import StandIn as TelegramStandIn
from tests.bot.whatsapp.conftest import signed
from tests.bot.whatsapp.standin import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER
from tests.bot.whatsapp.standin import StandIn as TwilioStandIn

SECRET = "s3cret-token_for-tests"
_sids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Run:
    """One `hagshama run` child; `start` again after a kill to play the restarted process.

    Tests give it a database holding the demo catalogue (the `catalog` fixture), which it finds
    there instead of importing it (about a second of CPU for each start); starting on an empty
    database, as a fresh install does, is tests/bot/telegram/test_run.py's story."""

    def __init__(
        self,
        database_url: str,
        telegram: TelegramStandIn,
        twilio: TwilioStandIn | None,
        log: Path,
        **settings: str,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "PUBLIC_BASE_URL": self.url,
            "HTTP_PORT": str(self.port),
            "PYTHONIOENCODING": "utf-8",
            **settings,
        }
        if twilio is not None:
            self.env |= {
                "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "TWILIO_WHATSAPP_FROM": OUR_NUMBER.removeprefix("whatsapp:"),
                "TWILIO_API_BASE_URL": twilio.base_url,
            }
        self.process: asyncio.subprocess.Process | None = None
        self.client = httpx.AsyncClient(base_url=self.url, timeout=PATIENCE)

    async def start(self) -> None:
        """Start and wait until it answers /healthz."""
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=self.env, stdout=log, stderr=log
            )
        async with asyncio.timeout(PATIENCE * 2):
            while True:
                try:
                    if (await self.client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                assert self.process.returncode is None, self.log.read_text()
                await asyncio.sleep(0.1)

    async def kill(self) -> None:
        """SIGKILL: no chance to finish or record anything."""
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
        code = await asyncio.wait_for(self.process.wait(), PATIENCE * 2)
        await self.client.aclose()
        return code

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def telegram(self, update: Json) -> httpx.Response:
        """Post an update as Telegram does (any odd character escaped, as JSON allows)."""
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        body = json.dumps(update).encode()
        return await self.client.post("/telegram/webhook", content=body, headers=headers)

    async def whatsapp(self, sender: str, text: str, sid: str | None = None) -> httpx.Response:
        params = {
            "MessageSid": sid or f"SM{next(_sids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": OUR_NUMBER,
            "Body": text,
            "NumMedia": "0",
        }
        headers = signed(self.url + "/whatsapp/inbound", params)
        return await self.client.post("/whatsapp/inbound", data=params, headers=headers)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")
