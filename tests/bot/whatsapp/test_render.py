"""WhatsApp text: numbered options, and long texts split under Twilio's 1,600 UTF-16 units (an
emoji beyond the basic plane counts twice, so a text that fits by code points may not)."""

from __future__ import annotations

from bot.whatsapp.render import BODY_LIMIT, bodies, render, split, width
from handlers.core.types import Button, Reply


def test_options_are_numbered_after_the_text() -> None:
    reply = Reply("בחרו:", [[Button("אחת", "a"), Button("שתיים", "b")], [Button("שלוש", "c")]])
    assert render(reply) == "בחרו:\n\n1. אחת\n2. שתיים\n3. שלוש"
    assert render(Reply("שלום")) == "שלום"


def test_a_long_text_is_split_at_paragraphs_and_nothing_is_lost() -> None:
    paragraphs = [f"{n} " + "מילה " * 60 for n in range(40)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split(text)
    assert len(parts) > 1
    assert all(len(part) <= BODY_LIMIT for part in parts)
    assert all(part.split(" ", 1)[0].isdigit() for part in parts)  # cut between paragraphs
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_a_text_without_spaces_is_cut_hard_and_the_options_come_last() -> None:
    parts = bodies(Reply("א" * 4000, [[Button("המשך", "x")]]))
    assert [len(part) for part in parts[:2]] == [BODY_LIMIT, BODY_LIMIT]
    assert parts[-1].endswith("1. המשך")


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
