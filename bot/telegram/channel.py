"""Answering Telegram updates with the conversation engine, and what to do when that fails."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import CallbackQuery, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackContext

from bot.metrics import Metrics
from bot.telegram.adapter import to_incoming
from bot.telegram.deliver import deliver
from handlers.engine import Engine
from handlers.group_commit import GroupCommit
from handlers.types import Reply
from locales import gettext, supported
from models.people import Channel, ChannelIdentity, Person, mark_blocked

log = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
CHANNEL = Channel.TELEGRAM.value


class TelegramChannel:
    def __init__(self, engine: Engine, metrics: Metrics, serial_writes: bool = False) -> None:
        self.engine = engine
        self.metrics = metrics
        # SQLite takes one writer at a time: updates queue for it in a GroupCommit and share
        # transactions; replies still go out concurrently.
        self._answer = GroupCommit(engine).handle if serial_writes else engine.handle

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.engine.sessions

    async def on_update(self, update: Update, context: Context) -> None:
        """Answer one update: the engine decides, then the replies go out (or edit in place)."""
        incoming = to_incoming(update)
        query = update.callback_query
        try:
            if incoming is None:
                return
            replies = await self._answer(incoming)
        finally:
            if query is not None:
                await _answer(query)
        pressed = query.message if query is not None else None
        # Only the share-my-phone button needs the person's language outside the engine.
        locale = self.engine.config.default_locale
        if any(reply.request_contact for reply in replies):
            locale = await self.locale(incoming.address, incoming.locale_hint)
        message = pressed if isinstance(pressed, Message) else None
        await deliver(context.bot, int(incoming.address), replies, locale, message)
        self.metrics.handled(CHANNEL)

    async def on_error(self, update: object, context: Context) -> None:
        """Log with context; mark people who blocked us; tell anyone else, in their language."""
        self.metrics.failed(CHANNEL)
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        if isinstance(error, Forbidden) and chat is not None:
            log.info("chat %s blocked the bot: %s", chat.id, error.message)
            async with self.sessions() as session, session.begin():
                await mark_blocked(session, Channel.TELEGRAM, str(chat.id))
            return
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "update %s from chat %s failed",
            update_id,
            chat.id if chat else None,
            exc_info=error,
        )
        if chat is None or not isinstance(update, Update):
            return
        hint = update.effective_user.language_code if update.effective_user else None
        try:
            locale = await self.locale(str(chat.id), hint)
            await deliver(context.bot, chat.id, [Reply(gettext(locale, "error.internal"))], locale)
        except Exception:
            log.exception("could not tell chat %s that something went wrong", chat.id)

    async def locale(self, address: str, hint: str | None) -> str:
        """As the engine chooses: the stored choice, else Telegram's language, else the default."""
        stored: str | None = None
        try:
            async with self.sessions() as session:
                stored = await session.scalar(
                    select(Person.locale)
                    .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
                    .where(
                        ChannelIdentity.channel == Channel.TELEGRAM,
                        ChannelIdentity.address == address,
                    )
                )
        except Exception:
            log.warning("no stored language for chat %s: the database does not answer", address)
        return stored or supported(hint) or self.engine.config.default_locale


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner; a query too old to answer is no reason to fail."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("could not answer callback query %s: %s", query.id, exc)
