"""Replies as WhatsApp text: numbered options people answer by number or label, split to fit."""

from __future__ import annotations

from handlers.types import Reply

BODY_LIMIT = 1600
"""Twilio refuses a WhatsApp body longer than this many characters."""


def render(reply: Reply) -> str:
    """The text, then one "1. label" line per option."""
    options = [f"{n}. {button.label}" for n, button in enumerate(reply.options(), 1)]
    return "\n\n".join([reply.text, "\n".join(options)]) if options else reply.text


def split(text: str, limit: int = BODY_LIMIT) -> list[str]:
    """Bodies of at most `limit` characters, cut at paragraph or line ends where possible."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def bodies(reply: Reply) -> list[str]:
    """The messages one reply becomes on WhatsApp."""
    return split(render(reply))
