"""The 1200×630 preview image a link shows when pasted into WhatsApp or Telegram (Open Graph):
the title, the date and the place, Hebrew laid out right to left by libraqm (HarfBuzz shaping
and the Unicode bidirectional algorithm, bundled with Pillow). Drawn once per content and kept."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import handlers.people

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONTS = Path(handlers.people.__file__).with_name("fonts")
BACKGROUND = (246, 241, 230)
BAND = (47, 94, 62)
INK = (28, 33, 30)
MUTED = (70, 78, 72)
TITLE_SIZES = (72, 60, 50)
"""The title's font size: the largest at which it fits in three lines."""
TITLE_LINES = 3
PICTOGRAPHS = {"So", "Sk", "Cs", "Co", "Cf"}
"""Unicode categories left out of the image: symbols (emoji), private use, format marks."""
VARIATIONS = range(0xFE00, 0xFE10)
"""Variation selectors, which ask for an emoji's picture form."""
KEPT = 256
"""Images kept in memory; each is ~30 KB."""


@dataclass(frozen=True)
class Preview:
    """What the image says. `lines` follow the title (date, place), each on a line of its own."""

    title: str
    lines: tuple[str, ...]
    footer: str
    rtl: bool

    @property
    def etag(self) -> str:
        text = "\x1f".join((self.title, *self.lines, self.footer, str(self.rtl)))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.RAQM)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, rtl: bool
) -> list[str]:
    """Words greedily into lines no wider than the image's text area."""
    direction = "rtl" if rtl else "ltr"
    room = WIDTH - 2 * MARGIN
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font, direction=direction) <= room:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _drawable(text: str) -> str:
    """The text without emoji and other pictographs: the font (Latin and Hebrew) has none,
    and a missing glyph would show as a box."""
    kept = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in PICTOGRAPHS and ord(ch) not in VARIATIONS
    )
    return " ".join(kept.split())


def _fitted_title(
    draw: ImageDraw.ImageDraw, preview: Preview
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in TITLE_SIZES:
        font = _font(size, bold=True)
        lines = _wrap(draw, _drawable(preview.title), font, preview.rtl)
        if len(lines) <= TITLE_LINES:
            return font, lines
    lines = lines[:TITLE_LINES]
    words = lines[-1].split()
    direction = "rtl" if preview.rtl else "ltr"
    while len(words) > 1 and (
        draw.textlength(" ".join(words) + " …", font=font, direction=direction) > WIDTH - 2 * MARGIN
    ):
        words.pop()
    lines[-1] = " ".join(words) + " …"
    return font, lines


def draw(preview: Preview) -> bytes:
    """The PNG: a green band with the footer, the title, then each line, aligned to the side
    the language starts from."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    direction = "rtl" if preview.rtl else "ltr"
    x, anchor = (WIDTH - MARGIN, "ra") if preview.rtl else (MARGIN, "la")
    pen.rectangle((0, 0, WIDTH, 96), fill=BAND)
    pen.text(
        (x, 28),
        preview.footer,
        font=_font(34, bold=True),
        fill="white",
        anchor=anchor,
        direction=direction,
    )
    font, title_lines = _fitted_title(pen, preview)
    y = 150
    for line in title_lines:
        pen.text((x, y), line, font=font, fill=INK, anchor=anchor, direction=direction)
        y += int(font.size * 1.25)
    y += 24
    detail = _font(38, bold=False)
    for text in preview.lines:
        for line in _wrap(pen, _drawable(text), detail, preview.rtl)[:2]:
            pen.text((x, y), line, font=detail, fill=MUTED, anchor=anchor, direction=direction)
            y += 52
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


class PreviewCache:
    """Drawn images by content: a page asked for again, by any crawler, costs a dictionary
    look-up; an event whose title or time changes gets a new image (a new ETag)."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._images: OrderedDict[str, bytes] = OrderedDict()

    def png(self, preview: Preview) -> bytes:
        key = preview.etag
        image = self._images.get(key)
        if image is None:
            image = self._images[key] = draw(preview)
            while len(self._images) > self.kept:
                self._images.popitem(last=False)
        else:
            self._images.move_to_end(key)
        return image
