"""The preview image: Hebrew from the right margin, nothing drawn past the margins however
long the title, no boxes where a title had emoji."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from bot.public.preview import HEIGHT, MARGIN, WIDTH, Preview, draw

BAND = 98
"""Below the green band at the top, with the site's name."""


def _ink(png: bytes) -> tuple[int, int, int, int]:
    """The bounding box of what is drawn below the band."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((0, BAND, WIDTH, HEIGHT))
    box = ImageOps.invert(image).point(lambda level: 255 if level > 60 else 0).getbbox()
    assert box is not None
    return box


def test_a_long_hebrew_title_is_cut_within_the_margins_and_starts_at_the_right() -> None:
    title = "סדנה נודדת ליום אחד: בעלי תפקידים בקיבוץ השיתופי " * 4
    left, _, right, _ = _ink(draw(Preview(title, ("קיבוץ עין השופט",), "התנועה הקיבוצית", True)))
    assert left >= MARGIN - 4 and right <= WIDTH - MARGIN + 4
    assert right >= WIDTH - MARGIN - 8  # right-aligned: the text begins at the right margin


def test_english_starts_at_the_left() -> None:
    left, _, _, _ = _ink(draw(Preview("Study day", ("Tel Aviv",), "Hagshama", False)))
    assert left <= MARGIN + 8


def test_emoji_are_left_out_rather_than_drawn_as_boxes() -> None:
    plain = draw(Preview("האירוע בוטל.", (), "התנועה הקיבוצית", True))
    assert draw(Preview("❌ האירוע בוטל. 🪑", (), "התנועה הקיבוצית", True)) == plain
    assert draw(Preview("👍🏽 האירוע ✔️ בוטל.", (), "התנועה הקיבוצית", True)) == plain
