"""Replies as WhatsApp text: numbered options people answer by number or label, split to fit."""

from __future__ import annotations

from handlers.core.types import Reply

BODY_LIMIT = 1600
"""Twilio refuses a WhatsApp body longer than this, counted in UTF-16 units."""


def width(text: str) -> int:
    """The length as Twilio counts it: in UTF-16 units, where most emoji count twice."""
    return len(text.encode("utf-16-le")) // 2


def render(reply: Reply) -> str:
    """The text, then one "1. label" line per option."""
    options = [f"{n}. {button.label}" for n, button in enumerate(reply.options(), 1)]
    return "\n\n".join([reply.text, "\n".join(options)]) if options else reply.text


def _fitting(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split(text: str, limit: int = BODY_LIMIT) -> list[str]:
    """Bodies of at most `limit` UTF-16 units, cut at paragraph or line ends where possible."""
    parts: list[str] = []
    rest = text.strip()
    while width(rest) > limit:
        room = _fitting(rest, limit)
        cut = rest.rfind("\n\n", 0, room + 1)
        if cut <= 0:
            cut = rest.rfind("\n", 0, room + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, room + 1)
        if cut <= 0:
            cut = room
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def bodies(reply: Reply) -> list[str]:
    """The messages one reply becomes on WhatsApp."""
    return split(render(reply))
