"""Twilio counts a WhatsApp body in UTF-16 units, where an emoji beyond the basic plane counts
twice: a text that fits by code points may still be refused."""

from __future__ import annotations

from bot.whatsapp.render import BODY_LIMIT, split, width


def test_a_text_of_emoji_is_split_by_utf16_units_and_nothing_is_lost() -> None:
    text = "🌱 שתילה " * 300  # 2,400 characters, 2,700 UTF-16 units
    assert len(text.strip()) <= BODY_LIMIT * 2 and width(text) > len(text)
    bodies = split(text)
    assert all(width(body) <= BODY_LIMIT for body in bodies)
    assert len(bodies) == 2
    assert " ".join(bodies).split() == text.split()


def test_a_run_of_emoji_without_spaces_is_never_cut_inside_a_character() -> None:
    bodies = split("🌱" * 1000)
    assert [width(body) for body in bodies] == [1600, 400]
    assert "".join(bodies) == "🌱" * 1000
