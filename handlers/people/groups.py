"""Registering a group (a garin, a kibbutz delegation) from the registration summary: how many
people, their names, and — when fewer seats are left than people — whether the group may
split (take the seats there are) or waits whole. The seats themselves are models.seats' rule;
the handlers that take the answers are in handlers.people.registration_more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx

MAX_GROUP = 40
"""A travelling workshop seats ~30: a bigger group is a typo, or an event of its own."""
MAX_GUEST_NAME = 60


class GroupStep(StrEnum):
    """SIZE (people in all, the registrant included) → NAMES (the others, one a line) →
    back to the registration summary, through the split question when seats are short."""

    SIZE = "registration.group_size"
    NAMES = "registration.group_names"


@dataclass(frozen=True)
class GroupStart(CallbackData, prefix="grs"):
    """Turns the registration being confirmed into a group's."""

    event_id: int


@dataclass(frozen=True)
class GroupSplit(CallbackData, prefix="grp"):
    """The registrant's answer: may the group split if seats are short?"""

    event_id: int
    agree: bool


def read_names(text: str, wanted: int) -> list[str] | None:
    """Up to `wanted` names, one a line (or comma-separated), each with a letter; else None."""
    parts = [" ".join(part.split()) for part in text.replace(",", "\n").splitlines()]
    names = [part for part in parts if part]
    if not 1 <= len(names) <= wanted:
        return None
    if any(len(name) > MAX_GUEST_NAME or not any(ch.isalpha() for ch in name) for name in names):
        return None
    return names


def summary_line(ctx: Ctx, guests: Sequence[str], split: bool) -> str | None:
    """The group as the summary shows it, or None for one person."""
    if not guests:
        return None
    key = "groups.summary_split" if split else "groups.summary"
    return ctx.t(key, count=len(guests) + 1, names=", ".join(guests))
