"""Coordinator broadcasts: the message, its audience as data, and what became of each copy.

Copies are outbox rows keyed `bc:<broadcast id>:<identity id>`, so planning twice adds nothing;
they carry the broadcast's id in a column of their own, so the sent / failed / blocked counts are
read straight from the outbox through its index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow
from models.outbox import WAITING, OutboxKind, OutboxMessage, OutboxStatus
from models.people import ChannelIdentity
from models.subscriptions import consented

CANCELLED = "cancelled"
"""`last_error` of copies skipped because the broadcast was cancelled (not blocked)."""
WITHDRAWN = "withdrawn"
"""`last_error` of copies skipped because the person withdrew consent after planning."""


class BroadcastStatus(StrEnum):
    """DRAFT (composed, previewed) → APPROVED (confirmed, or approved by a second coordinator
    when it is a large national send: DRAFT → AWAITING_APPROVAL → APPROVED | REJECTED) →
    SENDING (copies planned into the outbox) → DONE when every copy is settled. CANCELLED from
    AWAITING_APPROVAL, APPROVED or SENDING: queued copies are skipped, the report still comes."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


RUNNING = (BroadcastStatus.AWAITING_APPROVAL, BroadcastStatus.APPROVED, BroadcastStatus.SENDING)


class AudienceKind(StrEnum):
    """Who a broadcast goes to, by name; each kind's object (models.audience_kinds) says what it
    offers, whom it reaches and how."""

    EVERYONE = "everyone"
    TOPIC = "topic"
    REGION = "region"
    TRACK = "track"
    ROLE = "role"
    KIBBUTZ = "kibbutz"
    STREAM = "stream"
    PEOPLE = "people"
    INVITE = "invite"
    REGISTRANTS = "registrants"
    WAITLIST = "waitlist"


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    author_identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="SET NULL"), doc="where progress goes"
    )
    text: Mapped[str] = mapped_column(Text, doc="in Hebrew, and for anyone without English")
    text_en: Mapped[str | None] = mapped_column(Text, doc="for English readers, if written")
    link: Mapped[str | None] = mapped_column(String(500))
    image: Mapped[str | None] = mapped_column(
        String(64), doc="its photo's token among the shared files, if it has one"
    )
    audience: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, doc="kind, value")
    reach: Mapped[dict[str, Any] | None] = mapped_column(
        JSONType, doc="a regional author's regions and tracks; None for a national one"
    )
    status: Mapped[BroadcastStatus] = mapped_column(String(24), default=BroadcastStatus.DRAFT)
    send_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="an APPROVED broadcast is planned from then on; None: at once"
    )
    recipients: Mapped[int] = mapped_column(Integer, default=0, doc="copies planned")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    progress_shown: Mapped[str | None] = mapped_column(String(64), doc="counts last reported")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def kind(self) -> AudienceKind:
        return AudienceKind(self.audience["kind"])

    @property
    def value(self) -> str | None:
        value = self.audience.get("value")
        return None if value is None else str(value)


def copies_prefix(broadcast_id: int) -> str:
    """The dedupe prefix of a broadcast's copies: `outbox.each` appends the identity id."""
    return f"bc:{broadcast_id}"


def _copies(broadcast_id: int) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.broadcast_id == broadcast_id,
        OutboxMessage.kind.in_([OutboxKind.BROADCAST, OutboxKind.INVITATION]),
    )


@dataclass(frozen=True)
class Tally:
    """What became of a broadcast's copies so far."""

    planned: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    withheld: int = 0
    """Not sent because the broadcast was cancelled or the person withdrew consent."""

    @property
    def settled(self) -> int:
        return self.sent + self.failed + self.blocked + self.withheld

    @property
    def finished(self) -> bool:
        return self.settled >= self.planned

    def key(self) -> str:
        return f"{self.sent}:{self.failed}:{self.blocked}:{self.withheld}"


async def tally(session: AsyncSession, broadcast_id: int) -> Tally:
    """Count the copies by outcome, in one query."""
    status, error = OutboxMessage.status, OutboxMessage.last_error
    # A held copy's notice went out; the text follows when the person answers it.
    sent = status.in_(
        [OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ, OutboxStatus.HELD]
    )
    skipped = status == OutboxStatus.SKIPPED
    withheld = and_(skipped, error.in_([CANCELLED, WITHDRAWN]))
    blocked = and_(skipped, or_(error.is_(None), error.not_in([CANCELLED, WITHDRAWN])))
    row = (
        await session.execute(
            select(
                func.count(),
                *(
                    func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
                    for condition in (sent, status == OutboxStatus.FAILED, blocked, withheld)
                ),
            ).where(_copies(broadcast_id))
        )
    ).one()
    return Tally(*(int(n) for n in row))


async def cancel(session: AsyncSession, broadcast: Broadcast) -> bool:
    """Stop a running broadcast and skip its queued copies; False when it was not running."""
    stopped = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status.in_(RUNNING))
        .values(status=BroadcastStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if not stopped.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(
        update(OutboxMessage)
        .where(_copies(broadcast.id), OutboxMessage.status.in_(WAITING))
        .values(status=OutboxStatus.SKIPPED, last_error=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(broadcast)
    return True


async def move(
    session: AsyncSession,
    broadcast: Broadcast,
    source: BroadcastStatus,
    target: BroadcastStatus,
    **values: Any,
) -> bool:
    """Change the status only if it is still `source`: two presses, or two coordinators, race."""
    moved = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status == source)
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount:  # type: ignore[attr-defined]
        await session.refresh(broadcast)
    return bool(moved.rowcount)  # type: ignore[attr-defined]


async def withdraw_unconsented(session: AsyncSession, broadcast: Broadcast) -> int:
    """Skip queued copies of people who withdrew their consent since it was planned."""
    withdrawn = select(ChannelIdentity.id).where(~consented(ChannelIdentity.person_id))
    result = await session.execute(
        update(OutboxMessage)
        .where(
            _copies(broadcast.id),
            OutboxMessage.status.in_(WAITING),
            OutboxMessage.identity_id.in_(withdrawn),
        )
        .values(status=OutboxStatus.SKIPPED, last_error=WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
