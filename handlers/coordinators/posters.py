"""Poster QR codes: the deep links that open an event or a topic, drawn as one PNG with a code
for Telegram and one for WhatsApp, each captioned with its link."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import quote

from PIL import Image, ImageDraw, ImageFont

from handlers.core.context import EngineConfig

DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Telegram's rule for /start payloads; the WhatsApp text carries the same payload."""
EVENT_LINK = "ev_"
TOPIC_LINK = "tp_"

PANEL = 560
"""Pixels per code: two side by side stay within the 1,280 pixels Telegram keeps of a photo."""
MARGIN = 40
TITLE_SIZE = 40
LINK_SIZE = 18


class BadPayload(ValueError):
    """A slug that cannot travel in a deep link (only catalogue slugs within the rule can)."""


@dataclass(frozen=True)
class Link:
    channel: str
    """The channel's own name, shown on the poster as is in every language."""
    url: str


def payload(prefix: str, slug: str) -> str:
    """The /start payload for a slug, or BadPayload."""
    value = f"{prefix}{slug}"
    if not DEEP_LINK.fullmatch(value):
        raise BadPayload(value)
    return value


def links(config: EngineConfig, start: str) -> list[Link]:
    """The links of the configured channels: Telegram's deep link, WhatsApp's prefilled text."""
    found = []
    if config.bot_username:
        found.append(Link("Telegram", f"https://t.me/{config.bot_username}?start={start}"))
    number = "".join(ch for ch in (config.whatsapp_number or "") if ch.isdigit())
    if number:
        text = quote(f"/start {start}", safe="")
        found.append(Link("WhatsApp", f"https://wa.me/{number}?text={text}"))
    return found


def matrix(url: str) -> list[list[bool]]:
    """The QR modules for `url` (quiet zone included); medium error correction survives print."""
    import qrcode  # loaded for a poster, not by every chat that starts

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def _code_image(url: str) -> Image.Image:
    modules = matrix(url)
    size = len(modules)
    image = Image.new("L", (size, size), 255)
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    scale = PANEL // size
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def _wrapped(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> list[str]:
    """Break a long link wherever needed to fit the panel; links have no spaces to break at."""
    lines = [""]
    for ch in text:
        if draw.textlength(lines[-1] + ch, font=font) > PANEL - 20:
            lines.append("")
        lines[-1] += ch
    return lines


def poster(found: list[Link]) -> bytes:
    """A PNG with one captioned QR code per link, side by side."""
    title_font = ImageFont.load_default(size=TITLE_SIZE)
    link_font = ImageFont.load_default(size=LINK_SIZE)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    captions = [_wrapped(measure, link.url, link_font) for link in found]
    lines = max(len(caption) for caption in captions)
    height = MARGIN + PANEL + 10 + TITLE_SIZE + 6 + lines * (LINK_SIZE + 6) + MARGIN
    width = MARGIN + len(found) * (PANEL + MARGIN)
    canvas = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(canvas)
    for index, (link, caption) in enumerate(zip(found, captions, strict=True)):
        left = MARGIN + index * (PANEL + MARGIN)
        code = _code_image(link.url)
        canvas.paste(code, (left + (PANEL - code.width) // 2, MARGIN))
        y = MARGIN + PANEL + 10
        draw.text((left + PANEL // 2, y), link.channel, font=title_font, fill=0, anchor="mt")
        y += TITLE_SIZE + 6
        for line in caption:
            draw.text((left + PANEL // 2, y), line, font=link_font, fill=0, anchor="mt")
            y += LINK_SIZE + 6
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
