"""Reminder rows in the outbox: how they are keyed, and withdrawing them the moment a seat or an
event is cancelled (the planner would also skip them, but only on its next run)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import OutboxKind, OutboxMessage, withdraw

KIND = OutboxKind.REMINDER
CHUNK = 200
"""Registrations per statement: SQLite parses a chain of ORs as a tree at most 1,000 deep."""


def reminder_key(registration_id: int, offset: int, session_id: int | None = None) -> str:
    """One reminder per registration and offset, and per session of a series."""
    if session_id is None:
        return f"{KIND}:{registration_id}:{offset}"
    return f"{KIND}:{registration_id}:s{session_id}:{offset}"


async def withdraw_reminders(session: AsyncSession, registration_ids: Sequence[int]) -> None:
    """Skip the pending reminders of these registrations."""
    for start in range(0, len(registration_ids), CHUNK):
        chunk = registration_ids[start : start + CHUNK]
        await withdraw(
            session,
            OutboxMessage.kind == KIND,
            or_(*(OutboxMessage.dedupe_key.startswith(f"{KIND}:{i}:") for i in chunk)),
        )
