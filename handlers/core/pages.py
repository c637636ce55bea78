"""Lists shown a page at a time, with navigation whose numbers never move.

Every page of a list holds the same number of items (the last one overlaps the one before
rather than coming up short), and a list of several pages always offers both "previous" and
"more", wrapping around at the ends. So on text-only channels "7" means the same thing on
every page of a list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.types import Button

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    """Zero-based, within 0..count-1."""
    count: int


def window(total: int, page: int, size: int) -> tuple[int, int, int]:
    """Where page `page` (wrapped into range) of `total` items lies: its number, the number of
    pages, and its first item, chosen so the page is `size` long when there are enough."""
    count = max(1, -(-total // size))
    number = page % count
    return number, count, max(0, min(number * size, total - size))


def page_of(items: Sequence[T], page: int, size: int) -> Page[T]:
    """Page `page` (wrapped into range) of `items`, always `size` long when there are enough."""
    number, count, start = window(len(items), page, size)
    return Page(items[start : start + size], number, count)


def navigation(ctx: Ctx, page: Page[T], to: Callable[[int], CallbackData]) -> list[Button]:
    """Previous and more, for a list of several pages; nothing for a single page."""
    if page.count <= 1:
        return []
    return [
        Button(ctx.t("pages.previous"), to(page.number - 1).pack()),
        Button(ctx.t("pages.more"), to(page.number + 1).pack()),
    ]
