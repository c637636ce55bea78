"""What every kind of broadcast audience is: the choices a coordinator may pick, the check of
a picked (or forged) value, the value in words, and the people it stands for in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from models.broadcasts import AudienceKind
from models.roles import Authority

Choice = tuple[str, str]
"""(value, label)."""


class Kind:
    """A kind of audience; subclasses say what it offers, accepts and selects."""

    kind: AudienceKind

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
