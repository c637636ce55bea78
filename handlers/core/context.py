"""Everything one conversation step may use: the message, the database, the person, the state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.flow import FlowData
from handlers.core.types import FileProblem, Incoming
from locales import DEFAULT_LOCALE, Translator
from locales.dates import DEFAULT_TIMEZONE
from models.conversation import ConversationState
from models.people import Channel, ChannelIdentity, Person

if TYPE_CHECKING:
    from handlers.core.router import Router

F = TypeVar("F", bound=FlowData)


@dataclass(frozen=True)
class EngineConfig:
    """The few settings conversations need; the bot builds it from its own settings."""

    default_locale: str = DEFAULT_LOCALE
    timezone: str = DEFAULT_TIMEZONE
    bot_username: str | None = None
    whatsapp_number: str | None = None
    public_base_url: str | None = None
    """Where our own links point (calendar entries sent on WhatsApp)."""
    admin_addresses: frozenset[str] = field(default_factory=frozenset)
    broadcast_approval_threshold: int = 500
    """A national broadcast to more people than this waits for a second coordinator."""
    whatsapp_tier: int | None = None
    """The WhatsApp number's messaging tier (None without WhatsApp): the broadcast preview
    says how many recipients must wait for a later day."""
    checkin_opens_before: timedelta = timedelta(hours=3)
    """Check-in codes are accepted from this long before an event's start until its end."""


class NeedsFile(Exception):
    """A step asked for the bytes of the file that came with the message: the engine fetches
    them outside the transaction (a download must hold no database lock) and answers again."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass
class Ctx:
    incoming: Incoming
    session: AsyncSession
    identity: ChannelIdentity
    state: ConversationState
    config: EngineConfig
    now: datetime
    t: Translator
    routes: Router
    """Every feature the engine was built with (menus list theirs, /start finds deep links)."""
    args: str = ""
    """What followed a /command, e.g. the deep-link payload of /start."""

    @property
    def person(self) -> Person:
        return self.identity.person

    @property
    def takes_any_file(self) -> bool:
        """False on WhatsApp, which delivers images, PDF and office files but no .ics, .csv or
        .json: features send those another way there."""
        return self.incoming.channel != Channel.WHATSAPP

    def file_data(self, limit: int) -> bytes | FileProblem:
        """The bytes of the file that came with the message (at most `limit`), or why not."""
        file = self.incoming.file
        if file is None:
            return FileProblem.UNAVAILABLE
        if (file.size or 0) > limit or (file.data is not None and len(file.data) > limit):
            return FileProblem.TOO_LARGE
        if file.data is not None:
            return file.data
        if file.problem is not None:
            return file.problem
        raise NeedsFile(limit)

    @property
    def locale(self) -> str:
        return self.t.locale

    @property
    def text(self) -> str:
        """The typed text with surrounding whitespace and direction marks removed."""
        return clean_text(self.incoming.text or "")

    def flow(self, kind: type[F]) -> F:
        """The scratch values of the flow in progress, as `kind` reads them."""
        return kind.load(self.state.data)

    def goto(self, step: StrEnum, flow: FlowData | None = None) -> None:
        """Wait for free text at `step`, keeping `flow` (all of the flow's values) for later
        steps; without one, the values kept so far stay as they are."""
        self.state.step = step.value
        if flow is not None:
            self.state.data = flow.dump()

    def end(self) -> None:
        """Leave any flow in progress."""
        self.state.step = None
        self.state.data = {}

    def set_locale(self, locale: str) -> None:
        self.person.locale = locale
        self.t = Translator(locale)


BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)


def clean_text(text: str) -> str:
    """Drop invisible direction marks that Hebrew keyboards add, then surrounding whitespace."""
    return text.translate(BIDI_MARKS).strip()
