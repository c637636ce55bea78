"""Sending replies through the Bot API: messages, in-place edits, documents and photos."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.telegram.render import contact_keyboard, escape, inline_keyboard, split_text
from handlers.core.types import Attachment, Reply
from locales import gettext

log = logging.getLogger(__name__)


async def deliver(
    bot: Bot,
    chat_id: int | str,
    replies: Sequence[Reply],
    locale: str,
    pressed: Message | None = None,
) -> Message | None:
    """Send the replies in order (to a chat id, or a channel's @username); the first one
    marked `edit` replaces the pressed message, one with `edit_of` the message it names.
    Returns the last message sent, if any was."""
    last: Message | None = None
    for reply in replies:
        if reply.edit and pressed is not None:
            if await _edit(bot, pressed.chat_id, pressed.message_id, reply, pressed.text):
                pressed = None
                continue
        elif reply.edit_of is not None and await _edit(bot, chat_id, reply.edit_of, reply):
            continue
        last = await _send(bot, chat_id, reply, locale) or last
    return last


async def _edit(
    bot: Bot, chat_id: int | str, message_id: int, reply: Reply, shown: str | None = None
) -> bool:
    """Replace a message's text and buttons; False when it must be a new message."""
    if reply.attachments or reply.request_contact or len(split_text(reply.text)) > 1:
        return False
    markup = inline_keyboard(reply)
    try:
        if shown == reply.text:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
        else:
            await bot.edit_message_text(
                escape(reply.text),
                chat_id,
                message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True  # a double tap, or a progress bar that has not moved
        # Too old to edit, or not a text message: say it anew instead.
        log.info("cannot edit message %s: %s", message_id, exc.message)
        return False
    return True


async def _send(bot: Bot, chat_id: int | str, reply: Reply, locale: str) -> Message | None:
    inline = inline_keyboard(reply)
    contact = (
        contact_keyboard(gettext(locale, "telegram.share_phone")) if reply.request_contact else None
    )
    last: Message | None = None
    if reply.text.strip():
        pieces = split_text(reply.text)
        for index, piece in enumerate(pieces):
            final = index == len(pieces) - 1
            last = await bot.send_message(
                chat_id,
                escape(piece),
                parse_mode=ParseMode.HTML,
                reply_markup=(inline or contact) if final else None,
            )
    if inline is not None and contact is not None:
        # A message carries one keyboard: the share-my-phone button comes on its own.
        hint = gettext(locale, "telegram.share_phone_hint")
        last = await bot.send_message(chat_id, escape(hint), reply_markup=contact)
    for attachment in reply.attachments:
        last = await _attach(bot, chat_id, attachment)
    return last


async def _attach(bot: Bot, chat_id: int | str, attachment: Attachment) -> Message:
    """Pictures (QR codes) as photos; everything else (.ics, JSON exports) as documents."""
    file = InputFile(attachment.data, filename=attachment.filename)
    if attachment.mime.startswith("image/"):
        return await bot.send_photo(chat_id, file)
    return await bot.send_document(chat_id, file)
