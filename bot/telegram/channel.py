"""Answering stored Telegram updates with the conversation engine, and what to do when that
fails."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, Message
from telegram.error import Forbidden, TelegramError

from bot.metrics import Metrics
from bot.telegram.adapter import to_incoming
from bot.telegram.deliver import deliver
from bot.telegram.files import TelegramFiles
from bot.telegram.updates import stored_update
from handlers.core.engine import Answer, Engine
from handlers.core.group_commit import GroupCommit
from handlers.core.types import Incoming, Reply
from locales import gettext
from models.inbox import Claimed
from models.people import Channel, mark_blocked

log = logging.getLogger(__name__)

CHANNEL = Channel.TELEGRAM.value


class TelegramChannel:
    def __init__(self, engine: Engine, metrics: Metrics, bot: Bot) -> None:
        self.engine = engine
        self.metrics = metrics
        self.bot = bot
        engine.files[Channel.TELEGRAM] = TelegramFiles(bot)
        # Updates queue in a GroupCommit and share transactions: SQLite takes one writer at a
        # time, and on PostgreSQL a batch saves each update its BEGIN and COMMIT round trips
        # (chats answered together never share rows: one chat's updates go in order). Replies
        # still go out concurrently.
        self._answer = GroupCommit(engine).answer

    async def answer(self, entry: Claimed) -> None:
        """Answer one update: the engine decides, then the replies go out (or edit in place)."""
        update = stored_update(entry.payload, self.bot)
        if update is None:
            log.warning("update in inbox row %d is malformed: dropped", entry.id)
            return
        incoming = to_incoming(update)
        query = update.callback_query
        answer: Answer | None = None
        try:
            if incoming is not None:
                answer = await self._answer(incoming)
        finally:
            if query is not None:
                await _answer(query)
        if incoming is None or answer is None:
            return
        pressed = query.message if query is not None else None
        message = pressed if isinstance(pressed, Message) else None
        await self._deliver(incoming, answer.replies, answer.locale, message)
        self.metrics.handled(CHANNEL)

    async def failed(self, entry: Claimed, error: BaseException) -> None:
        """Log with context and tell the person, in their language."""
        self.metrics.failed(CHANNEL)
        log.error("inbox row %d from chat %s failed", entry.id, entry.chat, exc_info=error)
        update = stored_update(entry.payload, self.bot)
        incoming = to_incoming(update) if update is not None else None
        if incoming is None:
            return
        try:
            locale = await self.engine.locale_of(incoming)
            await self._deliver(incoming, [Reply(gettext(locale, "error.internal"))], locale)
        except Exception:
            log.exception("could not tell chat %s that something went wrong", entry.chat)

    async def _deliver(
        self,
        incoming: Incoming,
        replies: list[Reply],
        locale: str,
        pressed: Message | None = None,
    ) -> None:
        """Send the replies; someone who blocked the bot is marked so and sent nothing more."""
        try:
            await deliver(self.bot, int(incoming.address), replies, locale, pressed)
        except Forbidden:
            log.info(
                "chat %s blocked the bot", incoming.address
            )  # a Telegram chat id, nothing personal
            async with self.engine.sessions() as session, session.begin():
                await mark_blocked(session, Channel.TELEGRAM, incoming.address)


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner; a query too old to answer is no reason to fail."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("could not answer callback query %s: %s", query.id, exc)
