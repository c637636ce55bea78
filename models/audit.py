"""Append-only audit log of coordinator and privacy actions, refused attempts included."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow

TARGET_LENGTH = 128


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(TARGET_LENGTH))
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


async def audit(
    session: AsyncSession,
    actor_person_id: int | None,
    action: str,
    target: str | None = None,
    *,
    allowed: bool = True,
    **details: Any,
) -> None:
    """Record an action in the same transaction as the change it describes. A target longer
    than the column (whatever someone typed after a command) is cut, never refused: an
    attempt too long to record would escape the log."""
    session.add(
        AuditEntry(
            actor_person_id=actor_person_id,
            action=action,
            target=target[:TARGET_LENGTH] if target is not None else None,
            allowed=allowed,
            details=details,
        )
    )
