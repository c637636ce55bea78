"""Inbox: every inbound update is a row before the platform hears 200, answered from here.

A row is stored once per platform id (a redelivery conflicts and is dropped), claimed by a
worker under a lease, and marked done once answered; a worker killed mid-answer leaves its rows
to the next claim after the lease. One chat's rows are claimed only as an unbroken run from its
oldest unfinished row, so a chat is answered in arrival order by one worker at a time."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint, and_, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models import sqlite
from models.base import Base, JSONType, UTCDateTime

ID_LENGTH = 96
CHAT_LENGTH = 64


class InboxStatus(StrEnum):
    """PENDING (stored, acknowledged) → ANSWERING (claimed under a lease) → DONE (answered; the
    payload is dropped, the id kept to refuse redeliveries); ANSWERING → PENDING again when its
    lease runs out (the worker died) or the database failed while answering."""

    PENDING = "pending"
    ANSWERING = "answering"
    DONE = "done"


class InboxEntry(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "source_id"),
        Index("ix_inbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    """The platform's id: `<bot id>:<update_id>`, a MessageSid, or `<sid>:<status>`."""
    kind: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(CHAT_LENGTH), index=True)
    """What is answered in order: the chat or sender, or the reported message's sid."""
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    status: Mapped[InboxStatus] = mapped_column(String(16), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class Arrival:
    """One update as it came in, before it is stored."""

    channel: str
    source_id: str
    kind: str
    chat: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Claimed:
    """A stored update a worker now answers."""

    id: int
    channel: str
    kind: str
    chat: str
    payload: dict[str, Any]
    attempts: int


INBOX = Base.metadata.tables[InboxEntry.__tablename__]
INSERT_SQLITE = sqlite_insert(INBOX).on_conflict_do_nothing()
"""On the table, not the mapped class: the ORM's bulk-insert machinery costs the
acknowledgement path more than the INSERT itself."""

INSERT_POSTGRESQL = f"""
INSERT INTO {INBOX.name}
    (channel, source_id, kind, chat, payload, status, attempts, received_at)
SELECT channel, source_id, kind, chat, payload::jsonb, $6, 0, $7
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
    AS arrived (channel, source_id, kind, chat, payload)
ON CONFLICT DO NOTHING"""
"""One statement for a whole batch, its rows as arrays: PostgreSQL plans it once per
connection, where an INSERT per row (executemany) costs an execution each (measured on a
2-core machine, batches of 16: 45 against 70 µs of the server's CPU a row)."""


async def store(
    executor: AsyncSession | AsyncConnection | AsyncEngine,
    arrivals: Sequence[Arrival],
    now: datetime,
    *,
    keep: float = 0.0,
) -> None:
    """Insert the arrivals in one statement; one already stored (a redelivery) is skipped.
    Given an engine, in a transaction of their own, committed when this returns: on SQLite
    in one trip to its thread, before the other transactions waiting to write, and keeping
    SQLite's one writer for more arrivals for `keep` seconds (models/sqlite.py); elsewhere
    in the engine's own way (the intake's commits each statement by itself)."""
    if not arrivals:
        return
    rows = [
        {
            "channel": a.channel,
            "source_id": a.source_id[:ID_LENGTH],
            "kind": a.kind,
            "chat": a.chat[:CHAT_LENGTH],
            "payload": a.payload,
            "status": InboxStatus.PENDING.value,
            "attempts": 0,
            "received_at": now,
        }
        for a in arrivals
    ]
    if isinstance(executor, AsyncSession):
        executor = await executor.connection()
    if executor.dialect.name == "postgresql":
        columns = (
            *([row[key] for row in rows] for key in ("channel", "source_id", "kind", "chat")),
            [json.dumps(row["payload"]) for row in rows],
            InboxStatus.PENDING.value,
            now,
        )
        if isinstance(executor, AsyncConnection):
            await executor.exec_driver_sql(INSERT_POSTGRESQL, columns)
        else:
            async with executor.begin() as connection:
                await connection.exec_driver_sql(INSERT_POSTGRESQL, columns)
    elif isinstance(executor, AsyncConnection):
        await executor.execute(INSERT_SQLITE, rows)
    else:
        await sqlite.insert_alone(executor, INSERT_SQLITE, rows, keep)


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    channels: Collection[str],
) -> list[Claimed]:
    """Claim up to `limit` rows for `worker`, oldest first: PENDING ones, and ANSWERING ones whose
    lease ran out. On PostgreSQL rows another worker is claiming are skipped, not waited for."""
    due = or_(
        InboxEntry.status == InboxStatus.PENDING,
        and_(InboxEntry.status == InboxStatus.ANSWERING, InboxEntry.claimed_at < now - lease),
    )
    rows = (
        await session.execute(
            select(
                InboxEntry.id,
                InboxEntry.channel,
                InboxEntry.kind,
                InboxEntry.chat,
                InboxEntry.payload,
                InboxEntry.attempts,
            )
            .where(due, InboxEntry.channel.in_(list(channels)))
            .order_by(InboxEntry.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    chosen = await _in_order(session, rows)
    if chosen:
        await session.execute(
            update(InboxEntry)
            .where(InboxEntry.id.in_([row.id for row in chosen]))
            .values(
                status=InboxStatus.ANSWERING,
                claimed_by=worker,
                claimed_at=now,
                attempts=InboxEntry.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    return [
        Claimed(row.id, row.channel, row.kind, row.chat, row.payload or {}, row.attempts + 1)
        for row in chosen
    ]


async def _in_order(session: AsyncSession, rows: Sequence[Any]) -> list[Any]:
    """Of the candidate rows, those that continue their chat's oldest unfinished run: a row
    behind one that another worker holds (or that this claim skipped) waits for it."""
    candidates = {row.id for row in rows}
    unfinished = (
        await session.execute(
            select(InboxEntry.id, InboxEntry.channel, InboxEntry.chat)
            .where(
                InboxEntry.chat.in_({row.chat for row in rows}),
                InboxEntry.status != InboxStatus.DONE,
                InboxEntry.id <= max(candidates),
            )
            .order_by(InboxEntry.id)
        )
    ).all()
    gapped: set[tuple[str, str]] = set()
    allowed: set[int] = set()
    for entry in unfinished:
        key = (entry.channel, entry.chat)
        if entry.id not in candidates:
            gapped.add(key)
        elif key not in gapped:
            allowed.add(entry.id)
    return [row for row in rows if row.id in allowed]


async def renew(session: AsyncSession, worker: str, row_id: int, now: datetime) -> bool:
    """Extend `worker`'s lease on a row; False when the row has passed to another worker."""
    result = await session.execute(
        update(InboxEntry)
        .where(
            InboxEntry.id == row_id,
            InboxEntry.status == InboxStatus.ANSWERING,
            InboxEntry.claimed_by == worker,
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def keep(session: AsyncSession, worker: str, now: datetime) -> None:
    """Extend the lease on every row `worker` is answering: it is alive, if slow (a reply
    waiting for the send budget), and no other worker should answer them again."""
    await session.execute(
        update(InboxEntry)
        .where(InboxEntry.status == InboxStatus.ANSWERING, InboxEntry.claimed_by == worker)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )


async def finish(session: AsyncSession, worker: str, row_ids: Collection[int]) -> None:
    """Mark rows answered and drop what they carried (names, texts, phones)."""
    if not row_ids:
        return
    await session.execute(
        update(InboxEntry)
        .where(
            InboxEntry.id.in_(list(row_ids)),
            InboxEntry.status == InboxStatus.ANSWERING,
            InboxEntry.claimed_by == worker,
        )
        .values(status=InboxStatus.DONE, payload=None)
        .execution_options(synchronize_session=False)
    )
