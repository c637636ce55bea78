"""The command menu Telegram shows next to the text box, in each language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from handlers.core.router import Router
from locales import SUPPORTED_LOCALES, gettext

log = logging.getLogger(__name__)

MENU = ("start", "menu", "events", "tracks", "subscribe", "my", "language", "privacy", "help")
"""In menu order; a command only appears once some feature handles it."""


def bot_commands(locale: str, routes: Router) -> list[BotCommand]:
    return [
        BotCommand(name, gettext(locale, f"telegram.command.{name}"))
        for name in (*MENU, "cancel")
        if name in routes.commands
    ]


async def publish_commands(bot: Bot, default_locale: str, routes: Router) -> None:
    """Set the menu per language and a default; Telegram refusing it never stops the bot."""
    for language_code, locale in (
        *((code, code) for code in SUPPORTED_LOCALES),
        (None, default_locale),
    ):
        try:
            await bot.set_my_commands(bot_commands(locale, routes), language_code=language_code)
        except TelegramError as exc:
            log.warning("could not set the %s command menu: %s", language_code or "default", exc)
