"""PDFs people open on any phone (WhatsApp delivers PDF, not .ics or .json): Hebrew right to
left through fpdf2's text shaping (HarfBuzz), in DejaVu Sans cut down to Latin and Hebrew
(handlers/people/fonts/README.md). They are made after the conversation's transaction commits
(Attachment.later), so a slow one holds no database lock."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE = (148.0, 210.0)
"""A5 in millimetres: reads well on a phone's screen, prints on half a sheet."""
MARGIN = 12.0
FONT = "dejavu"
FONTS = Path(__file__).parent / "fonts"


def printable(text: str) -> str:
    """The text without emoji, which the font lacks: the chat's 👤 would print as a gap."""
    return "".join(ch for ch in text if ord(ch) <= 0xFFFF and ch != "\ufe0f").strip()


class Page:
    """A page written from the top down, each line aligned to the language's start."""

    def __init__(self, rtl: bool) -> None:
        from fpdf import FPDF  # a fifth of the start-up of a chat that makes no PDF

        self.pdf: FPDF = FPDF(format=PAGE)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(True, MARGIN)
        self.pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        # Shaping applies the Unicode bidirectional algorithm: Hebrew with numbers, codes and
        # English words in one line reads in the right order.
        self.pdf.set_text_shaping(use_shaping_engine=True)
        self.pdf.add_page()
        self.align = "R" if rtl else "L"

    def line(self, text: str, size: float = 11, *, bold: bool = False, gap: float = 1.5) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, text, align=self.align, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def centred(self, text: str, size: float, *, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(
            0, size * 0.5, printable(text), align="C", new_x="LMARGIN", new_y="NEXT"
        )

    def image(self, png: bytes, width: float) -> None:
        """A centred image (a QR code) `width` millimetres wide."""
        left = (PAGE[0] - width) / 2
        self.pdf.image(io.BytesIO(png), x=left, y=self.pdf.get_y(), w=width)
        self.pdf.set_y(self.pdf.get_y() + width + 2)

    def rule(self) -> None:
        y = self.pdf.get_y() + 1
        self.pdf.line(MARGIN, y, PAGE[0] - MARGIN, y)
        self.pdf.set_y(y + 3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
