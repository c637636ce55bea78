"""Outbox: every proactive message is a row first, sent later by the dispatcher."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow
from models.people import Channel, ChannelIdentity, IdentityStatus


class OutboxStatus(StrEnum):
    """PENDING → SENDING (claimed by a dispatcher) → SENT → DELIVERED → READ;
    SENDING → PENDING again after a retryable error; FAILED when retries run out or the
    provider refuses; SKIPPED when the recipient blocked us or withdrew consent."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    SKIPPED = "skipped"


class Priority:
    """Lower sends first: replies and reminders never wait behind a bulk broadcast."""

    INTERACTIVE = 0
    REMINDER = 10
    NOTICE = 20
    BULK = 50


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), index=True
    )
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    broadcast_id: Mapped[int | None] = mapped_column(
        Integer, index=True, doc="the broadcast a copy belongs to (no foreign key: copies stay)"
    )
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=Priority.BULK)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


async def enqueue(
    session: AsyncSession,
    identity_id: int,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None,
    priority: int = Priority.BULK,
    not_before: datetime | None = None,
) -> bool:
    """Queue a proactive message once per dedupe key; False if that key was already queued."""
    values = {
        "identity_id": identity_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "priority": priority,
        "not_before": not_before or utcnow(),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def enqueue_many(
    session: AsyncSession,
    recipients: Select[Any],
    kind: str,
    payload: dict[str, Any] | None,
    *,
    dedupe_prefix: str,
    priority: int = Priority.BULK,
    not_before: datetime | None = None,
    broadcast_id: int | None = None,
) -> int:
    """Queue one message per identity id that `recipients` selects, in one statement (a broadcast
    to 100,000 people never passes through Python); keys are `<dedupe_prefix>:<identity id>`.
    The payload is `payload`, or, when it is None, a second column of `recipients` (each one's
    own language, say). Returns how many were new."""
    chosen = recipients.subquery()
    identity_id = chosen.c[0]
    now = utcnow()
    columns = {
        "identity_id": identity_id,
        "kind": literal(kind, String),
        "payload": chosen.c[1] if payload is None else literal(payload, JSONType),
        "dedupe_key": literal(f"{dedupe_prefix}:", String) + cast(identity_id, String),
        "priority": literal(priority, Integer),
        "not_before": literal(not_before or now, UTCDateTime),
        "status": literal(OutboxStatus.PENDING.value, String),
        "attempts": literal(0, Integer),
        "created_at": literal(now, UTCDateTime),
        "broadcast_id": literal(broadcast_id, Integer),
    }
    # SQLite cannot tell `INSERT … SELECT … ON CONFLICT` apart from a join without a WHERE.
    rows = select(*columns.values()).where(true())
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).from_select(list(columns), rows).on_conflict_do_nothing()
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claim:
    """A row a dispatcher has claimed, with where it goes."""

    id: int
    identity_id: int
    channel: Channel
    address: str
    blocked: bool
    payload: dict[str, Any]
    attempts: int


async def claim_due(
    session: AsyncSession,
    worker: str,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    channels: Collection[Channel],
) -> list[Claim]:
    """Mark up to `limit` due rows SENDING for `worker`, most urgent first, and return them.
    Due means PENDING and not before now, or SENDING under a claim older than `lease` — its
    dispatcher died, so the row may or may not have gone out. On PostgreSQL rows another
    dispatcher has locked are skipped rather than waited for; on SQLite there is one writer."""
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - lease),
    )
    rows = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.identity_id,
                ChannelIdentity.channel,
                ChannelIdentity.address,
                ChannelIdentity.status,
                OutboxMessage.payload,
                OutboxMessage.attempts,
            )
            .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
            .where(due, ChannelIdentity.channel.in_(list(channels)))
            .order_by(OutboxMessage.priority, OutboxMessage.id)
            .limit(limit)
            .with_for_update(of=OutboxMessage, skip_locked=True)
        )
    ).all()
    if rows:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]))
            .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    return [
        Claim(
            id=row.id,
            identity_id=row.identity_id,
            channel=Channel(row.channel),
            address=row.address,
            blocked=row.status == IdentityStatus.BLOCKED,
            payload=row.payload,
            attempts=row.attempts,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Settlement:
    """What became of one claimed row. None leaves a column as it was."""

    id: int
    status: OutboxStatus
    attempts: int
    not_before: datetime | None = None
    provider_id: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


async def settle(session: AsyncSession, worker: str, settlements: Sequence[Settlement]) -> None:
    """Record outcomes in one statement. A row whose claim passed to another dispatcher (this
    one outlived its lease) is left to that dispatcher."""
    if not settlements:
        return
    table = OutboxMessage.__table__
    assert isinstance(table, Table)
    kept = {
        column: func.coalesce(bindparam(f"new_{column}", type_=kind), table.c[column])
        for column, kind in (
            ("not_before", UTCDateTime()),
            ("provider_id", String()),
            ("last_error", Text()),
            ("sent_at", UTCDateTime()),
        )
    }
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == OutboxStatus.SENDING,
            table.c.claimed_by == worker,
        )
        .values(status=bindparam("new_status"), attempts=bindparam("new_attempts"), **kept)
    )
    await session.execute(
        statement,
        [
            {
                "row_id": s.id,
                "new_status": s.status.value,
                "new_attempts": s.attempts,
                "new_not_before": s.not_before,
                "new_provider_id": s.provider_id,
                "new_last_error": s.last_error,
                "new_sent_at": s.sent_at,
            }
            for s in settlements
        ],
    )


async def skip_pending(session: AsyncSession, identity_id: int) -> int:
    """Skip everything still queued for an identity (they blocked us); returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.identity_id == identity_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.SKIPPED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
