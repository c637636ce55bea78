"""What every kind of broadcast audience is: how it is offered and picked, the choices a
coordinator may pick, the check of a picked (or forged) value, the value in words, the people it
stands for in SQL, and how its copies go out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from models.broadcasts import AudienceKind
from models.outbox import OutboxKind
from models.roles import Authority

Choice = tuple[str, str]
"""(value, label)."""


class Kind:
    """A kind of audience; subclasses say what it offers, accepts and selects, and how it
    differs from a marketing audience with one value to pick."""

    kind: AudienceKind
    offered = True
    """In the menu of kinds (in the order of `KINDS`); else only a filter of a combined one."""
    immediate = False
    """Nothing to pick: choosing the kind chooses the audience."""
    combined = False
    """Built filter by filter, never packed into one button."""
    transactional = False
    """About the people's own event: consent and the author's reach do not narrow it, and its
    copies go ahead of marketing."""
    copies = OutboxKind.BROADCAST
    """What its copies are in the outbox: the sender judges consent by it."""
    note: str | None = None
    """Why the count may be smaller than expected (`broadcast.note.<note>`); None: because of
    consent, and a regional author's reach."""

    async def choices(
        self, session: AsyncSession, authority: Authority, t: Translator, now: datetime
    ) -> list[Choice]:
        """Every value this coordinator may pick, labelled in their language."""
        return [
            (value, label)
            for value, label in await self.options(session, t, now)
            if await self.allows(session, authority, value)
        ]

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        return []

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        """Whether the value names something that exists and lies within reach."""
        return value is None

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        """The people the value stands for, as a condition on Person."""
        return true()
