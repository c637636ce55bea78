"""Calendar entries served by link: WhatsApp does not deliver .ics files, so a registration's
entry is fetched from our own URL under an unguessable token, made fresh from the event on each
fetch (a moved event shows its new time)."""

from __future__ import annotations

import secrets

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.registrations import Registration


class CalendarLink(Base):
    __tablename__ = "calendar_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )


async def calendar_token(session: AsyncSession, registration_id: int) -> str:
    """The registration's token, made on first use."""
    token = await session.scalar(
        select(CalendarLink.token).where(CalendarLink.registration_id == registration_id)
    )
    if token is None:
        token = secrets.token_urlsafe(24)
        session.add(CalendarLink(token=token, registration_id=registration_id))
        await session.flush()
    return token


async def linked_registration(session: AsyncSession, token: str) -> Registration | None:
    """The registration a token stands for, None for an unknown token."""
    return await session.scalar(
        select(Registration)
        .join(CalendarLink, CalendarLink.registration_id == Registration.id)
        .where(CalendarLink.token == token)
    )
