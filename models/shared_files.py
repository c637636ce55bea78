"""Files handed to a provider by URL (WhatsApp media must be fetched from a public address):
kept in the database under an unguessable token until they expire, so whichever instance
receives the provider's request can serve the file, not only the one that sent the message."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import LargeBinary, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SharedFile(Base):
    __tablename__ = "shared_files"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(128))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class FileToShare:
    filename: str
    mime: str
    data: bytes


async def share(session: AsyncSession, file: FileToShare, expires_at: datetime) -> str:
    """Keep the file until `expires_at`; returns its token."""
    token = secrets.token_urlsafe(24)
    session.add(
        SharedFile(
            token=token,
            filename=file.filename,
            mime=file.mime,
            data=file.data,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return token


async def shared(session: AsyncSession, token: str, now: datetime) -> FileToShare | None:
    """The file under `token`, None when there is none or it has expired."""
    row = (
        await session.execute(
            select(SharedFile.filename, SharedFile.mime, SharedFile.data).where(
                SharedFile.token == token, SharedFile.expires_at > now
            )
        )
    ).one_or_none()
    return FileToShare(row.filename, row.mime, row.data) if row else None


async def keep_until(session: AsyncSession, token: str, expires_at: datetime) -> None:
    """Keep the file at least until `expires_at` (a broadcast's photo, sent later)."""
    await session.execute(
        update(SharedFile)
        .where(SharedFile.token == token, SharedFile.expires_at < expires_at)
        .values(expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
