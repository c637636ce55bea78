"""Outbox: every proactive message is a row first, sent later by the dispatcher."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
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
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow
from models.people import Channel, ChannelIdentity, IdentityStatus


class OutboxStatus(StrEnum):
    """PENDING → SENDING (claimed by a dispatcher) → SENT → DELIVERED → READ;
    SENDING → PENDING again after a retryable error or to wait for a send budget; FAILED when
    retries run out or the provider refuses; SKIPPED when the recipient blocked us or withdrew
    consent; SENDING → HELD when only a notice could go (WhatsApp outside its 24-hour window),
    and HELD → PENDING the moment the person writes back."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    SKIPPED = "skipped"
    HELD = "held"


WAITING = (OutboxStatus.PENDING, OutboxStatus.HELD)
"""Queued and not yet sent in full: what a block, a cancellation or a withdrawal skips."""


class Priority(IntEnum):
    """Lower is claimed first, so replies and reminders never wait behind a bulk broadcast.
    The order is also what quiet hours (scheduler.quiet) do with a message: below REMINDER it
    is never held; REMINDER keeps its time at night (the event will not wait) but goes before
    Shabbat or a holiday begins; NOTICE and BULK wait out the night, Shabbat and holidays."""

    INTERACTIVE = 0
    REMINDER = 10
    NOTICE = 20
    BULK = 50


class OutboxKind(StrEnum):
    """What a queued message is. Messages about a person's own registration (reminders, seat
    offers, an event moved or cancelled) and coordinators' service messages go to the people
    they concern whatever those people subscribed to; bulletins and broadcasts need consent."""

    REMINDER = "reminder"
    WAITLIST_OFFER = "waitlist_offer"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    BULLETIN = "bulletin"
    BROADCAST = "broadcast"
    INVITATION = "invitation"
    """A broadcast inviting to an event: it may go to role holders imported by a coordinator
    who have not consented yet, but to them only as the WhatsApp opt-in template."""
    BROADCAST_PROGRESS = "broadcast_progress"
    BROADCAST_NOTE = "broadcast_note"
    DIGEST = "digest"
    EVENT_DECISION = "event_decision"
    """An event short of its minimum near its go/no-go date, to its coordinators."""
    WHATSAPP_FALLBACK = "whatsapp_fallback"
    TEAM_ANSWER = "team_answer"
    """The response team's answer to a person's own question (models.questions)."""
    TEAM_ALERT = "team_alert"
    """A coordinator told of a new, returned or overdue item in the response team's inbox."""
    KIBBUTZ_COPY = "kibbutz_copy"
    """A bulletin or event announcement for a kibbutz contact to forward: the role is what
    they agreed to, so no subscription is needed (models.kibbutz_contacts)."""
    REPLY = "reply"
    """A reply sent within a conversation, recorded (a file, or a failed send) so that the
    provider's later report on it lands somewhere; never queued, only settled."""

    @property
    def needs_consent(self) -> bool:
        """Whether the recipient must have agreed to receive this kind of message."""
        return self in (OutboxKind.BULLETIN, OutboxKind.BROADCAST, OutboxKind.INVITATION)


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
    kind: Mapped[OutboxKind] = mapped_column(String(32))
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


Recipients = Select[int, str]
"""Rows of (identity id, dedupe key): whom a message goes to, chosen in SQL."""


def to_one(identity_id: int, key: str) -> Recipients:
    """One recipient, with the dedupe key that makes the message once."""
    return select(literal(identity_id, Integer), literal(key, String))


def each(identities: Select[int], prefix: str) -> Recipients:
    """One message per identity id that `identities` selects, keyed `<prefix>:<identity id>`."""
    chosen = identities.subquery()
    return select(chosen.c[0], keyed(prefix, chosen.c[0]))


def keyed(
    prefix: str, column: ColumnElement[int] | InstrumentedAttribute[int]
) -> ColumnElement[str]:
    """A dedupe key `<prefix>:<column>` computed in SQL, for one message per row of an audience."""
    return literal(f"{prefix}:", String) + cast(column, String)


async def enqueue(
    session: AsyncSession,
    recipients: Recipients | Select[Any],
    kind: OutboxKind,
    payload: dict[str, Any] | None,
    *,
    priority: Priority,
    not_before: datetime | None = None,
    supersedes: str | None = None,
    broadcast_id: int | None = None,
) -> int:
    """The one way to queue proactive messages: one row per recipient that `recipients` selects,
    in one INSERT … SELECT (a broadcast to 100,000 people never passes through Python), once per
    dedupe key. The payload is `payload`, or, when it is None, a third column of `recipients`
    (each one's own language, say). `supersedes` is a key prefix whose unsent messages this one
    replaces; `broadcast_id` marks the copies of a broadcast. Returns how many were new."""
    if supersedes is not None:
        await withdraw(session, OutboxMessage.dedupe_key.startswith(supersedes, autoescape=True))
    chosen = recipients.subquery()
    now = utcnow()
    columns = {
        "identity_id": chosen.c[0],
        "dedupe_key": chosen.c[1],
        "kind": literal(kind.value, String),
        "payload": chosen.c[2] if payload is None else literal(payload, JSONType),
        "priority": literal(int(priority), Integer),
        "not_before": literal(not_before or now, UTCDateTime),
        "status": literal(OutboxStatus.PENDING.value, String),
        "attempts": literal(0, Integer),
        "created_at": literal(now, UTCDateTime),
        "broadcast_id": literal(broadcast_id, Integer),
    }
    # SQLite cannot tell `INSERT … SELECT … ON CONFLICT` apart from a join without a WHERE;
    # a recipient without a reachable identity (NULL) is nobody to write to.
    rows = select(*columns.values()).where(chosen.c[0].is_not(None))
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).from_select(list(columns), rows).on_conflict_do_nothing()
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def withdraw(session: AsyncSession, *which: ColumnElement[bool]) -> int:
    """Skip the messages matching `which` that are still queued or held; returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(*which, OutboxMessage.status.in_(WAITING))
        .values(status=OutboxStatus.SKIPPED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claim:
    """A row a dispatcher has claimed, with where it goes."""

    id: int
    identity_id: int
    kind: OutboxKind
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
                OutboxMessage.kind,
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
            kind=OutboxKind(row.kind),
            channel=Channel(row.channel),
            address=row.address,
            blocked=row.status != IdentityStatus.ACTIVE,
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
    """Skip everything still queued or held for an identity (they blocked us, or the address
    is invalid); returns how many."""
    return await withdraw(session, OutboxMessage.identity_id == identity_id)
