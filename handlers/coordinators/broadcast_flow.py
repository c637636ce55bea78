"""The broadcast flow's steps, acts and buttons, in one place:

/broadcast → COMPOSE (Hebrew) → ENGLISH (or NoEnglish) → LINK (or NoLink) → AUDIENCE
COMPOSE, ENGLISH, LINK: a photo (its caption read as the step's text) is the broadcast's image
AUDIENCE: AudienceMenu (kinds, a kind's values by page, or a typed search) → AudienceChoice,
          or for a combined audience FilterPick… → FilterDone → the preview of a DRAFT
preview: BroadcastAct SEND | LATER (→ WHEN, a typed time) | EDIT (→ COMPOSE) |
         EDIT_EN (→ ENGLISH) | IMAGE (→ IMAGE: a photo, or NoImage) | DISCARD;
         AudienceMenu() to change the audience
progress and /broadcast list: BroadcastAct STOP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.core.callback import CallbackData
from handlers.core.flow import FlowData

MAX_TEXT = 3500
"""Leaves room for the link and the opt-out line within Telegram's 4,096 characters."""


class BroadcastStep(StrEnum):
    """COMPOSE (the Hebrew text) → ENGLISH (an English text, or the Hebrew-only button) → LINK
    (a link, or the no-link button) → AUDIENCE (buttons, or a search: the kind, its values,
    then the preview of a DRAFT broadcast) → WHEN (a typed time, if sent later); from the
    preview, IMAGE (a photo to add or put instead, or the button that removes it)."""

    COMPOSE = "broadcast.compose"
    ENGLISH = "broadcast.english"
    LINK = "broadcast.link"
    AUDIENCE = "broadcast.audience"
    WHEN = "broadcast.when"
    IMAGE = "broadcast.image"


@dataclass(frozen=True)
class Drafting(FlowData):
    """A broadcast being written: its texts, link and image until the draft is saved from the
    audience picked; `editing` names a saved draft whose text or image is being changed from
    its preview."""

    text: str | None = None
    text_en: str | None = None
    link: str | None = None
    image: str | None = None
    """The photo's token among the shared files (models.shared_files)."""
    editing: int | None = None
    menu: str | None = None
    """Where a typed search looks: a kind of audience, or "filter:<name>"."""
    builder: str | None = None
    filters: dict[str, str] = field(default_factory=dict)
    """The combined audience being built (its kind) and its filters so far."""


@dataclass(frozen=True)
class Scheduling(FlowData):
    """The draft whose time is being typed."""

    draft: int = 0


class Act(StrEnum):
    """What the preview's, the progress message's and the list's buttons do to a broadcast."""

    SEND = "send"
    LATER = "later"
    EDIT = "edit"
    EDIT_EN = "edit_en"
    IMAGE = "image"
    DISCARD = "discard"
    STOP = "stop"


@dataclass(frozen=True)
class NoEnglish(CallbackData, prefix="bce"):
    pass


@dataclass(frozen=True)
class NoLink(CallbackData, prefix="bcl"):
    pass


@dataclass(frozen=True)
class NoImage(CallbackData, prefix="bci"):
    """Send the broadcast without its image."""


@dataclass(frozen=True)
class AudienceMenu(CallbackData, prefix="bcm"):
    """Show a page of the values of one kind of audience; no kind lists the kinds."""

    kind: str | None = None
    page: int = 0


@dataclass(frozen=True)
class AudienceChoice(CallbackData, prefix="bcv"):
    kind: str
    value: str | None = None


@dataclass(frozen=True)
class FilterPick(CallbackData, prefix="bcf"):
    """Narrow a combined audience by one filter (role, kibbutz, stream, region); without a
    value, list that filter's values; the value "-" drops the filter."""

    name: str
    value: str | None = None
    page: int = 0


@dataclass(frozen=True)
class FilterDone(CallbackData, prefix="bcg"):
    """Preview the combined audience built so far."""


@dataclass(frozen=True)
class BroadcastAct(CallbackData, prefix="bcx"):
    broadcast_id: int
    act: Act


@dataclass(frozen=True)
class BroadcastReview(CallbackData, prefix="bcr"):
    broadcast_id: int
    approve: bool
