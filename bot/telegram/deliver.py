"""Sending replies through the Bot API: messages, in-place edits, documents and photos."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.telegram.render import contact_keyboard, escape, inline_keyboard, split_text
from handlers.core.types import Attachment, Reply
from locales import gettext

log = logging.getLogger(__name__)

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup

CAPTION = 1024
"""Telegram's limit for a photo's caption: a longer text follows the photo as a message."""
UPLOADS_KEPT = 16
"""Photos whose Telegram file id we remember, by their shared file's token."""
_uploaded: OrderedDict[str, str] = OrderedDict()
_uploading: dict[str, asyncio.Lock] = {}


async def deliver(
    bot: Bot,
    chat_id: int | str,
    replies: Sequence[Reply],
    locale: str,
    pressed: Message | None = None,
) -> int | None:
    """Send the replies in order (to a chat id, or a channel's @username); the first one
    marked `edit` replaces the pressed message, one with `edit_of` the message it names.
    Returns the id of the last message sent, if any was."""
    last: int | None = None
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


async def _send(bot: Bot, chat_id: int | str, reply: Reply, locale: str) -> int | None:
    inline = inline_keyboard(reply)
    contact = (
        contact_keyboard(gettext(locale, "telegram.share_phone")) if reply.request_contact else None
    )
    last: int | None = None
    if reply.captioned and len(reply.attachments) == 1 and not reply.request_contact:
        photo = reply.attachments[0]
        if len(reply.text) <= CAPTION:
            return (await _photo(bot, chat_id, photo, escape(reply.text), inline)).message_id
        await _photo(bot, chat_id, photo)  # the picture first, then the text it goes with
        reply = Reply(reply.text, reply.buttons)
    if reply.text.strip():
        pieces = split_text(reply.text)
        for index, piece in enumerate(pieces):
            final = index == len(pieces) - 1
            markup = (inline or contact) if final else None
            last = await _message(bot, chat_id, escape(piece), ParseMode.HTML, markup)
    if inline is not None and contact is not None:
        # A message carries one keyboard: the share-my-phone button comes on its own.
        hint = gettext(locale, "telegram.share_phone_hint")
        last = await _message(bot, chat_id, escape(hint), None, contact)
    for attachment in reply.attachments:
        last = await _attach(bot, chat_id, attachment)
    return last


async def _message(
    bot: Bot, chat_id: int | str, text: str, parse_mode: str | None, markup: ReplyMarkup | None
) -> int:
    """sendMessage, through the bot's request layer (its pacing, its errors), returning the new
    message's id: the Bot API's answer is read for that alone, not parsed into objects as
    `Bot.send_message` does (a tenth of the CPU of answering a message)."""
    data = {"chat_id": chat_id, "text": text, "parse_mode": parse_mode, "reply_markup": markup}
    sent = await bot._post("sendMessage", data)
    return int(sent["message_id"])


async def _attach(bot: Bot, chat_id: int | str, attachment: Attachment) -> int:
    """Pictures (QR codes) as photos; everything else (.ics, JSON exports) as documents."""
    if attachment.mime.startswith("image/"):
        return (await _photo(bot, chat_id, attachment)).message_id
    sent = await bot.send_document(
        chat_id, InputFile(attachment.data, filename=attachment.filename)
    )
    return sent.message_id


async def _photo(
    bot: Bot,
    chat_id: int | str,
    photo: Attachment,
    caption: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send a photo; one kept among the shared files (a broadcast's, going to thousands) is
    uploaded once and then sent by the file id Telegram gave it."""

    async def send(file: InputFile | str) -> Message:
        html = ParseMode.HTML if caption else None
        return await bot.send_photo(
            chat_id, file, caption=caption, parse_mode=html, reply_markup=markup
        )

    def upload() -> InputFile:
        return InputFile(photo.data, filename=photo.filename)

    if photo.shared is None:
        return await send(upload())
    async with _uploading.setdefault(photo.shared, asyncio.Lock()):
        # The first copy uploads; the others wait for its file id rather than upload too.
        file_id = _uploaded.get(photo.shared)
        if file_id is None:
            sent = await send(upload())
            _remember(photo.shared, sent)
            return sent
    try:
        return await send(file_id)
    except BadRequest:
        log.info("a remembered photo id was refused: uploading again")
        _uploaded.pop(photo.shared, None)
        sent = await send(upload())
        _remember(photo.shared, sent)
        return sent


def _remember(token: str, sent: Message) -> None:
    if sent.photo:
        _uploaded[token] = sent.photo[-1].file_id
        while len(_uploaded) > UPLOADS_KEPT:
            _uploading.pop(_uploaded.popitem(last=False)[0], None)
