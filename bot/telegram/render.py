"""How a `Reply` looks on Telegram: HTML-escaped text in pieces under the limit, keyboards."""

from __future__ import annotations

import html
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from handlers.core.types import Button, Reply

LINK = "https://"
"""A button whose payload is a link opens it (a channel post's way back to the bot)."""
MAX_TEXT = 4096
"""Telegram's limit for one message, counted in UTF-16 code units."""


def escape(text: str) -> str:
    """Text for parse_mode=HTML: whatever people or coordinators typed shows as typed."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text into messages, preferring line breaks, then spaces, then anywhere."""
    pieces: list[str] = []
    while _units(text) > limit:
        head = text[: _fitting(text, limit)]
        cut = head.rfind("\n")
        if cut < len(head) // 2:
            cut = head.rfind(" ")
        if cut < len(head) // 2:
            cut = len(head)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    pieces.append(text)
    return [piece for piece in pieces if piece] or [text]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons, row by row; each carries its packed payload, or opens its link."""
    if not reply.buttons:
        return None
    return _inline_keyboard(tuple(tuple(row) for row in reply.buttons))


@lru_cache(maxsize=1024)
def _inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    # Telegram objects are immutable and the same keyboards (menus) recur with every other
    # answer: building seven of them per reply was a good part of sending it.
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, url=button.payload)
                if button.payload.startswith(LINK)
                else InlineKeyboardButton(button.label, callback_data=button.payload)
                for button in row
            ]
            for row in rows
        ]
    )


def contact_keyboard(label: str) -> ReplyKeyboardMarkup:
    """A one-time keyboard whose single button shares the person's own phone number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
