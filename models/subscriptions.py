"""Topic subscriptions and the consent trail behind them (Israeli anti-spam law)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Exists,
    ForeignKey,
    Select,
    String,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, QueryableAttribute, aliased, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.catalog import Topic
from models.registrations import ACTIVE, Registration

CONSENT_WORDING_VERSION = "2026-11-v1"
"""Bump whenever the consent message in the locale catalogues changes."""


class SubscriptionStatus(StrEnum):
    """ACTIVE after explicit consent; UNSUBSCRIBED after an opt-out, until they subscribe again."""

    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"


class ConsentAction(StrEnum):
    """What the person told us: GRANTED consent to a topic, or WITHDREW it. IMPORTED is no
    consent: a coordinator listed them (a role holder with a phone); until they agree they may
    be invited to events by the WhatsApp opt-in template only, and never get marketing. Their
    first "stop" records a WITHDRAWN without a topic, and the invitations stop too."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    IMPORTED = "imported"


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    status: Mapped[SubscriptionStatus] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConsentRecord(Base):
    """Append-only proof of consent: when, on which channel, to which wording."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    action: Mapped[ConsentAction] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    wording_version: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


async def subscribe(
    session: AsyncSession, person_id: int, topic_id: int, channel: str, now: datetime
) -> bool:
    """Activate the subscription and record the consent just given; False if already active."""
    sub = await _subscription(session, person_id, topic_id)
    if sub is not None and sub.status == SubscriptionStatus.ACTIVE:
        return False
    if sub is None:
        sub = Subscription(person_id=person_id, topic_id=topic_id, created_at=now)
        session.add(sub)
    sub.status = SubscriptionStatus.ACTIVE
    sub.updated_at = now
    _record(session, sub, ConsentAction.GRANTED, channel, now)
    await session.flush()
    return True


async def unsubscribe(
    session: AsyncSession, person_id: int, topic_id: int, channel: str, now: datetime
) -> bool:
    """Withdraw consent from one topic; False when the person was not subscribed to it."""
    sub = await _subscription(session, person_id, topic_id)
    if sub is None or sub.status != SubscriptionStatus.ACTIVE:
        return False
    _withdraw(session, sub, channel, now)
    await session.flush()
    return True


async def unsubscribe_all(
    session: AsyncSession, person_id: int, channel: str, now: datetime
) -> int:
    """Withdraw consent from every active subscription; returns how many there were."""
    subs = (
        await session.scalars(
            select(Subscription).where(
                Subscription.person_id == person_id,
                Subscription.status == SubscriptionStatus.ACTIVE,
            )
        )
    ).all()
    for sub in subs:
        _withdraw(session, sub, channel, now)
    if await session.scalar(select(invitable(person_id))):
        session.add(
            ConsentRecord(
                person_id=person_id,
                action=ConsentAction.WITHDRAWN,
                channel=channel,
                wording_version=CONSENT_WORDING_VERSION,
                at=now,
            )
        )
    await session.flush()
    return len(subs)


async def active_topics(session: AsyncSession, person_id: int) -> list[Topic]:
    """The topics this person currently receives, in catalogue order."""
    return list(
        (
            await session.scalars(
                select(Topic)
                .join(Subscription, Subscription.topic_id == Topic.id)
                .where(
                    Subscription.person_id == person_id,
                    Subscription.status == SubscriptionStatus.ACTIVE,
                )
                .order_by(Topic.id)
            )
        ).all()
    )


async def open_topics(session: AsyncSession) -> list[Topic]:
    """Topics anyone can subscribe to, in catalogue order."""
    return list((await session.scalars(select(Topic).where(Topic.active).order_by(Topic.id))).all())


async def _subscription(
    session: AsyncSession, person_id: int, topic_id: int
) -> Subscription | None:
    return await session.scalar(
        select(Subscription).where(
            Subscription.person_id == person_id, Subscription.topic_id == topic_id
        )
    )


def _withdraw(session: AsyncSession, sub: Subscription, channel: str, now: datetime) -> None:
    sub.status = SubscriptionStatus.UNSUBSCRIBED
    sub.updated_at = now
    _record(session, sub, ConsentAction.WITHDRAWN, channel, now)


def _record(
    session: AsyncSession, sub: Subscription, action: ConsentAction, channel: str, now: datetime
) -> None:
    session.add(
        ConsentRecord(
            person_id=sub.person_id,
            topic_id=sub.topic_id,
            action=action,
            channel=channel,
            wording_version=CONSENT_WORDING_VERSION,
            at=now,
        )
    )


def consented(person_id: int | ColumnElement[int] | QueryableAttribute[int]) -> Exists:
    """Marketing consent: an active topic subscription with this person's consent to that topic
    on record. Takes a column too, so a whole audience is filtered in one query. The inner test
    names the subscription's person, not `person_id` again: a column from two levels out would
    not correlate, and would ask whether anyone at all consented."""
    return exists().where(
        Subscription.person_id == person_id,
        Subscription.status == SubscriptionStatus.ACTIVE,
        exists().where(
            ConsentRecord.person_id == Subscription.person_id,
            ConsentRecord.topic_id == Subscription.topic_id,
            ConsentRecord.action == ConsentAction.GRANTED,
        ),
    )


def consenting_people() -> Select[int]:
    """`consented` for a whole audience: the ids of everyone with marketing consent, as one
    set the database can hash rather than a lookup per person."""
    return (
        select(Subscription.person_id)
        .join(
            ConsentRecord,
            (ConsentRecord.person_id == Subscription.person_id)
            & (ConsentRecord.topic_id == Subscription.topic_id),
        )
        .where(
            Subscription.status == SubscriptionStatus.ACTIVE,
            ConsentRecord.action == ConsentAction.GRANTED,
        )
    )


def invitable(person_id: int | ColumnElement[int] | QueryableAttribute[int]) -> Exists:
    """Imported by a coordinator and not withdrawn since: invitations by template only."""
    stopped = aliased(ConsentRecord)
    return exists().where(
        ConsentRecord.person_id == person_id,
        ConsentRecord.action == ConsentAction.IMPORTED,
        ~exists().where(
            stopped.person_id == ConsentRecord.person_id,
            stopped.action == ConsentAction.WITHDRAWN,
            stopped.topic_id.is_(None),
        ),
    )


async def has_consent(session: AsyncSession, person_id: int) -> bool:
    """Whether we may write to the person first: a topic they consented to, or an event they
    are registered or waiting for (its reminders and offers)."""
    registered = exists().where(
        Registration.person_id == person_id, Registration.status.in_(ACTIVE)
    )
    return bool(await session.scalar(select(consented(person_id) | registered)))
