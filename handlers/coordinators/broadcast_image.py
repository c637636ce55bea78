"""A broadcast's one photo: taken from what a coordinator sends while composing, checked against
both platforms' limits (every copy may go by either), and kept among the shared files, where
the queued copies name it by its token."""

from __future__ import annotations

import io
import mimetypes
from datetime import datetime, timedelta

from PIL import Image, UnidentifiedImageError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import Ctx
from handlers.core.types import Attachment, FileProblem, Reply
from models.shared_files import FileToShare, keep_until, share, shared

IMAGE_LIMIT = 5 * 1024 * 1024
"""WhatsApp's limit for an image (Telegram's for a photo is 10 MB)."""
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
"""What both platforms show as a photo."""
MAX_SIDES = 10_000
MAX_RATIO = 20
"""Telegram's sendPhoto: width plus height at most 10,000, one side at most 20 times the other."""
KEEP = timedelta(days=60)
"""How long a photo outlives its last use: copies held for a WhatsApp reader (outside the 24-hour
window) go when the person writes back, which may be weeks later."""
MB = 1024 * 1024
SPOKEN = ("voice", "audio", "video_note")


async def take_image(ctx: Ctx) -> str | Reply:
    """The token the photo sent is kept under, or the answer why it cannot be the image."""
    kind, file = ctx.incoming.media or "", ctx.incoming.file
    limit = IMAGE_LIMIT // MB
    if kind in SPOKEN or kind.startswith("audio"):
        return Reply(ctx.t("broadcast.image.voice", limit=limit))
    if file is None:
        key = "broadcast.image.unavailable" if kind == "photo" else "broadcast.image.not_photo"
        return Reply(ctx.t(key, limit=limit))
    if file.mime and file.mime not in {mime for mime, _ in FORMATS.values()}:
        shown = _type_name(file.mime, file.name)
        return Reply(ctx.t("broadcast.image.wrong_type", type=shown, limit=limit))
    data = ctx.file_data(IMAGE_LIMIT)
    if data == FileProblem.TOO_LARGE:
        return _too_large(ctx, file.size)
    if isinstance(data, FileProblem):
        return Reply(ctx.t("broadcast.image.unavailable"))
    found = _checked(data)
    if isinstance(found, str):
        return Reply(ctx.t(found, type=_type_name(file.mime, file.name), limit=limit))
    mime, extension = found
    kept = FileToShare(f"broadcast.{extension}", mime, data)
    return await share(ctx.session, kept, ctx.now + KEEP)


def _too_large(ctx: Ctx, size: int | None) -> Reply:
    if size is None:
        return Reply(ctx.t("broadcast.image.over_limit", limit=IMAGE_LIMIT // MB))
    shown = f"{size / MB:.0f}"
    return Reply(ctx.t("broadcast.image.too_large", size=shown, limit=IMAGE_LIMIT // MB))


def _type_name(mime: str | None, filename: str | None) -> str:
    """What was sent, the way people name files: PDF, DOCX."""
    extension = (mimetypes.guess_extension(mime) if mime else None) or (
        "." + filename.rpartition(".")[2] if filename and "." in filename else ""
    )
    return extension.lstrip(".").upper() or "?"


def _checked(data: bytes) -> tuple[str, str] | str:
    """(mime, extension) of a JPEG or PNG photo both platforms can show, judged by the bytes
    whatever the file claims; else the key of the answer."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            found, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError):
        return "broadcast.image.wrong_type"
    if found not in FORMATS:
        return "broadcast.image.wrong_type"
    if width + height > MAX_SIDES or max(width, height) > MAX_RATIO * max(min(width, height), 1):
        return "broadcast.image.bad_shape"
    return FORMATS[found]


async def image_of(
    session: AsyncSession, token: str | None, now: datetime, *, loaded: bool
) -> Attachment | None:
    """The photo under `token` as an attachment: with its bytes (`loaded`) for a reply shown
    now, else by token alone for the queued copies. None when there is none (or it expired)."""
    if token is None:
        return None
    found = await shared(session, token, now)
    if found is None:
        return None
    return Attachment(found.filename, found.mime, found.data if loaded else b"", shared=token)


async def keep_image(session: AsyncSession, token: str | None, until: datetime) -> None:
    """Keep the photo for KEEP after `until` (the broadcast's time, or its planning)."""
    if token is not None:
        await keep_until(session, token, until + KEEP)
