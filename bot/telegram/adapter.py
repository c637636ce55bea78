"""A Telegram update as the conversation engine sees it: one `Incoming`, or nothing to answer."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, Update
from telegram.constants import ChatType

from handlers.core.types import InboundFile, Incoming
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


def sent_file(message: Message) -> InboundFile | None:
    """A document, or a photo at its largest size, as a file a step may fetch."""
    if (document := message.document) is not None:
        return InboundFile(
            document.file_name, document.mime_type, document.file_size, document.file_id
        )
    if message.photo:
        photo = message.photo[-1]
        return InboundFile(None, "image/jpeg", photo.file_size, photo.file_id)
    return None


def media_kind(message: Message) -> str | None:
    return next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), None)
