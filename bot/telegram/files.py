"""Files people send on Telegram, fetched when a step asks: getFile, then the download from
the Bot API's file URL (at most 20 MB; we ask for far less)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from handlers.core.types import FileFetchError, FileProblem, InboundFile

log = logging.getLogger(__name__)


def file_url(base_url: str) -> str:
    """The download base for an API base URL: …/bot → …/file/bot, as Telegram's own are."""
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/file/bot"


class TelegramFiles:
    """Fetches a file by its file_id (`InboundFile.ref`)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, file: InboundFile, limit: int) -> bytes:
        if (file.size or 0) > limit:
            raise FileFetchError(FileProblem.TOO_LARGE)
        try:
            found = await self.bot.get_file(file.ref)
            if (found.file_size or 0) > limit:
                raise FileFetchError(FileProblem.TOO_LARGE, found.file_size)
            data = bytes(await found.download_as_bytearray())
        except BadRequest as exc:
            too_big = "too big" in exc.message.lower()
            raise FileFetchError(
                FileProblem.TOO_LARGE if too_big else FileProblem.UNAVAILABLE
            ) from exc
        except TelegramError as exc:
            log.info("telegram file not fetched: %s", type(exc).__name__)
            raise FileFetchError(FileProblem.UNAVAILABLE) from exc
        if len(data) > limit:
            raise FileFetchError(FileProblem.TOO_LARGE)
        return data
