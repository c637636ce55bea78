"""A typed answer read as one of the options last offered: its number, its label, or the start
of its label, with emoji, case and niqqud not counting."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

MIN_PREFIX = 2
"""A single typed letter starts too many words to stand for an option."""


def fold(text: str) -> str:
    """Only the letters and digits that matter: niqqud, emoji, marks and case dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.casefold().split())


def _names(label: str) -> list[str]:
    """A label, and for "➕ להצטרף: עלון המעגל" also what follows the colon: the thing itself."""
    _, colon, thing = label.partition(":")
    return [label, thing] if colon and thing.strip() else [label]


def choose(text: str, menu: Sequence[Sequence[str]], starts: bool = True) -> str | None:
    """The payload of the option `text` names in `menu` ([label, payload] pairs), if exactly one;
    the start of a label counts when `starts`."""
    if not text or not menu:
        return None
    if text.isdigit():
        index = int(text) - 1
        return menu[index][1] if 0 <= index < len(menu) else None
    typed = fold(text)
    if not typed:
        return None
    labels = [(fold(name), payload) for label, payload in menu for name in _names(label)]
    exact = {payload for label, payload in labels if label == typed}
    if len(exact) == 1:
        return exact.pop()
    if not starts or len(typed) < MIN_PREFIX:
        return None
    starting = {payload for label, payload in labels if label.startswith(typed)}
    return starting.pop() if len(starting) == 1 else None
