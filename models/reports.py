"""Providers' reports on messages we sent (sent, delivered, read, failed), recorded on the
outbox row that carries the message's id.

A report can arrive before the dispatcher has stored that id: Twilio calls back as soon as it
accepts a message, while the dispatcher settles its rows a batch at a time. Such a report is
held in `early_reports` and applied once the id is stored. Either side may come second, so
both look again after committing: the dispatcher for the ids it just stored
(`apply_early_reports`), the report's receiver for the report it just held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime
from models.outbox import OutboxMessage, OutboxStatus

AFTER = {
    OutboxStatus.SENT: (OutboxStatus.SENT,),
    OutboxStatus.DELIVERED: (OutboxStatus.SENT,),
    OutboxStatus.READ: (OutboxStatus.SENT, OutboxStatus.DELIVERED),
    OutboxStatus.FAILED: (OutboxStatus.SENT, OutboxStatus.DELIVERED),
}
"""What each report may follow: reports arrive out of order, and a row never moves back."""


class EarlyReport(Base):
    __tablename__ = "early_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[OutboxStatus] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class Report:
    provider_id: str
    status: OutboxStatus
    error_code: str | None = None
    error: str | None = None
    """As the row's `last_error` shows it: "<code>: <message>"."""


async def record_report(session: AsyncSession, report: Report, now: datetime) -> int | None:
    """Move the row carrying the report's message id on; returns the row's id if it moved.
    A report on an id no row carries yet is held for the dispatcher to store the id."""
    moved = await _move(session, report)
    if moved is not None:
        return moved
    carried = select(OutboxMessage.id).where(OutboxMessage.provider_id == report.provider_id)
    if await session.scalar(carried.limit(1)) is not None:
        # Stored since the update looked, or the report is out of order: one more try tells.
        return await _move(session, report)
    session.add(
        EarlyReport(
            provider_id=report.provider_id,
            status=report.status,
            error_code=report.error_code,
            error=report.error,
            received_at=now,
        )
    )
    return None


async def apply_early_reports(
    session: AsyncSession, provider_ids: list[str]
) -> list[tuple[int, Report]]:
    """Apply, in arrival order, the held reports on these ids that rows now carry, and drop
    them; returns each row moved with the report that moved it."""
    if not provider_ids:
        return []
    stored = select(OutboxMessage.provider_id).where(OutboxMessage.provider_id.in_(provider_ids))
    # Deleting claims them: when the dispatcher and the receiver both look, one applies each.
    held = (
        await session.execute(
            delete(EarlyReport)
            .where(EarlyReport.provider_id.in_(stored))
            .returning(
                EarlyReport.id,
                EarlyReport.provider_id,
                EarlyReport.status,
                EarlyReport.error_code,
                EarlyReport.error,
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    moved = []
    for row in sorted(held, key=lambda row: row.id):
        report = Report(row.provider_id, OutboxStatus(row.status), row.error_code, row.error)
        row_id = await _move(session, report)
        if row_id is not None:
            moved.append((row_id, report))
    return moved


async def _move(session: AsyncSession, report: Report) -> int | None:
    return await session.scalar(
        update(OutboxMessage)
        .where(
            OutboxMessage.provider_id == report.provider_id,
            OutboxMessage.status.in_(AFTER[report.status]),
        )
        .values(status=report.status, last_error=report.error or OutboxMessage.last_error)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
