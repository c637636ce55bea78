"""WhatsApp text: numbered options, and long texts split under Twilio's 1,600 characters."""

from __future__ import annotations

from bot.whatsapp.render import BODY_LIMIT, bodies, render, split
from handlers.types import Button, Reply


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
