"""Deleting rows that have served their purpose, a bounded batch at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def delete_before(
    session: AsyncSession,
    column: InstrumentedAttribute[datetime],
    cutoff: datetime,
    limit: int,
    *only: ColumnElement[bool],
) -> int:
    """Delete up to `limit` rows whose `column` is before `cutoff` (and that match `only`),
    oldest first; returns how many. A bounded batch keeps the transaction short (SQLite has a
    single writer); a backlog goes in later runs."""
    model = column.class_
    [key] = inspect(model).primary_key
    oldest = select(key).where(column < cutoff, *only).order_by(column).limit(limit)
    result = await session.execute(
        delete(model)
        .where(key.in_(oldest.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
