"""A Telegram update as the inbox keeps it: checked, cleaned, keyed by bot and update_id."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update

from bot.cleaning import cleaned, needs_cleaning
from models.inbox import Arrival
from models.people import Channel

KIND = "update"
NO_CHAT = "-"


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
    """The update in decoded JSON, if python-telegram-bot can read it as one."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < 2**63:
        return None
    try:
        update = Update.de_json(data, None)
    except Exception:  # dates beyond any calendar, wrong types: all malformed
        return None
    if update is None:
        return None
    chat = update.effective_chat
    source = f"{bot_id}:{update_id}"
    return Arrival(Channel.TELEGRAM, source, KIND, str(chat.id) if chat else NO_CHAT, data)


def bot_id(token: str) -> str:
    """The bot's own id, the part of its token before the colon: update ids are per bot."""
    return token.partition(":")[0]


def stored_update(payload: dict[str, Any], bot: Any) -> Update:
    """The update again, as python-telegram-bot's object bound to our bot."""
    update = Update.de_json(payload, bot)
    assert update is not None  # checked when it arrived
    return update
