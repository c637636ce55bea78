"""A Telegram update as the conversation engine sees it: one `Incoming`, or nothing to answer."""

from __future__ import annotations

from dataclasses import replace

from telegram import Document, Message, PhotoSize, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.core.types import FileTooLarge, FileUnavailable, Incoming, IncomingFile
from models.people import Channel

MEDIA_KINDS = (
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "sticker",
    "location",
    "venue",
    "poll",
    "dice",
)


def to_incoming(update: Update) -> Incoming | None:
    """What the person did in a private chat; edits, group messages and the like are ignored."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return None
    who = Incoming(
        Channel.TELEGRAM,
        str(chat.id),
        display_name=user.full_name or None,
        locale_hint=user.language_code,
    )
    if update.callback_query is not None:
        return replace(who, payload=update.callback_query.data or "")
    message = update.message
    if message is None:
        return None
    if message.contact is not None:
        if message.contact.user_id != user.id:
            return replace(who, media="contact")  # someone else's card links nobody
        return replace(who, contact_phone=international(message.contact.phone_number))
    if message.text is not None:
        return replace(who, text=message.text)
    kind = media_kind(message)
    if kind is None:
        return None
    return replace(who, media=kind, text=message.caption, file=sent_file(message))


def international(phone: str) -> str:
    """Telegram sends a contact's number in international form, usually without the '+'."""
    digits = phone.strip()
    return digits if digits.startswith("+") else f"+{digits}"


def media_kind(message: Message) -> str | None:
    return next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), None)


def sent_file(message: Message) -> IncomingFile | None:
    """A photo (Telegram sends it as JPEG) or a file sent as a document, fetched on request."""
    item: PhotoSize | Document
    mime: str | None
    if message.photo:
        item, mime, name = message.photo[-1], "image/jpeg", None  # the largest size
    elif message.document is not None:
        item, mime, name = message.document, message.document.mime_type, message.document.file_name
    else:
        return None

    async def fetch(limit: int) -> bytes:
        if (item.file_size or 0) > limit:
            raise FileTooLarge(item.file_size)
        try:
            file = await item.get_file()
            if (file.file_size or 0) > limit:
                raise FileTooLarge(file.file_size)
            data = await file.download_as_bytearray()
        except TelegramError as error:
            raise FileUnavailable(type(error).__name__) from error
        if len(data) > limit:
            raise FileTooLarge(len(data))
        return bytes(data)

    return IncomingFile(mime, item.file_size, fetch, name)
