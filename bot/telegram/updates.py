"""A Telegram update as the inbox keeps it: checked, cleaned, keyed by bot and update_id.

The check on the acknowledgement path is structural and cheap (python-telegram-bot's own
parsing costs about a millisecond): JSON of the right shape, ids that are integers, dates a
calendar holds, texts that are strings. The worker parses the update properly later; the
rare update that passes here and still fails there is logged and dropped, not retried."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update

from bot.cleaning import cleaned, needs_cleaning
from models.inbox import Arrival
from models.people import Channel

KIND = "update"
NO_CHAT = "-"
ID_RANGE = range(-(2**63), 2**63)
DATE_RANGE = range(0, 2**37)
"""Unix times up to the year 6000: anything beyond is no date python can hold."""
OBJECTS = frozenset(
    {"message", "edited_message", "callback_query", "chat", "from", "contact", "reply_markup"}
)
TEXTS = frozenset(
    {"text", "caption", "data", "first_name", "last_name", "username", "language_code", "type"}
)
DATES = frozenset({"date", "edit_date", "forward_date"})
IDS = frozenset({"id", "message_id", "user_id"})
"""Integers, except a callback query's id, which is a string."""


class Malformed(ValueError):
    """Not an update python-telegram-bot would read."""


def arrival(body: bytes, bot_id: str) -> Arrival | None:
    """The update in a webhook body; None for anything that is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        return None
    if needs_cleaning(body):
        data = cleaned(data)
    return arrival_of(data, bot_id)


def arrival_of(data: object, bot_id: str) -> Arrival | None:
    """The update in decoded JSON, if it has the shape of one."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < 2**63:
        return None
    try:
        _check(data, 0)
    except Malformed:
        return None
    source = f"{bot_id}:{update_id}"
    return Arrival(Channel.TELEGRAM, source, KIND, _chat(data), data)


def _check(value: dict[str, Any], depth: int) -> None:
    if depth > 12:
        raise Malformed("nested beyond any update")
    for key, item in value.items():
        if key in OBJECTS and not isinstance(item, dict):
            raise Malformed(key)
        if key in TEXTS and not isinstance(item, str):
            raise Malformed(key)
        if key in DATES and (type(item) is not int or item not in DATE_RANGE):
            raise Malformed(key)
        if key in IDS and not (type(item) is str or (type(item) is int and item in ID_RANGE)):
            raise Malformed(key)
        if isinstance(item, dict):
            _check(item, depth + 1)


def _chat(data: dict[str, Any]) -> str:
    """The chat the update belongs to, for answering one chat's updates in order."""
    for key in ("message", "edited_message", "callback_query"):
        part = data.get(key)
        if isinstance(part, dict):
            message = part.get("message", part) if key == "callback_query" else part
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
            sender = part.get("from")
            if isinstance(sender, dict) and "id" in sender:
                return str(sender["id"])
    return NO_CHAT


def bot_id(token: str) -> str:
    """The bot's own id, the part of its token before the colon: update ids are per bot."""
    return token.partition(":")[0]


def stored_update(payload: dict[str, Any], bot: Any) -> Update | None:
    """The update again, as python-telegram-bot's object bound to our bot; None if even
    that fails (it passed the shape check, so something rare: dropped with a warning)."""
    try:
        return Update.de_json(payload, bot)
    except Exception:  # whatever python-telegram-bot raises on odd input
        return None
