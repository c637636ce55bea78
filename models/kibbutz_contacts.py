"""Kibbutz contact people: appointed per kibbutz (like coordinators, from the command line,
audited), they get a copy of each bulletin and event announcement for their kibbutz, ready to
forward to its members' groups. Lifecycle: appointed (a row) → dismissed (the row deleted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint, delete, distinct, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.kibbutzim import Kibbutz
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.people import ChannelIdentity
from models.roles import Authority

DELIVERED = (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)


class KibbutzContact(Base):
    __tablename__ = "kibbutz_contacts"
    __table_args__ = (UniqueConstraint("kibbutz_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kibbutz_id: Mapped[int] = mapped_column(
        ForeignKey("kibbutzim.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


async def kibbutz_named(session: AsyncSession, slug: str) -> Kibbutz | None:
    return await session.scalar(select(Kibbutz).where(Kibbutz.slug == slug))


async def appoint(session: AsyncSession, person_id: int, kibbutz: Kibbutz) -> bool:
    """Make the person a contact of the kibbutz; False when they already are."""
    held = await session.scalar(
        select(KibbutzContact.id).where(
            KibbutzContact.person_id == person_id, KibbutzContact.kibbutz_id == kibbutz.id
        )
    )
    if held is not None:
        return False
    session.add(KibbutzContact(person_id=person_id, kibbutz_id=kibbutz.id))
    await session.flush()
    return True


async def dismiss(session: AsyncSession, person_id: int, kibbutz: Kibbutz) -> bool:
    """Take the kibbutz away from the person's contacts; False when it was not theirs."""
    result = await session.execute(
        delete(KibbutzContact).where(
            KibbutzContact.person_id == person_id, KibbutzContact.kibbutz_id == kibbutz.id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def contacts(session: AsyncSession) -> list[tuple[Kibbutz, int]]:
    """(kibbutz, person id) of every appointment, by kibbutz."""
    rows = await session.execute(
        select(Kibbutz, KibbutzContact.person_id)
        .join(KibbutzContact, KibbutzContact.kibbutz_id == Kibbutz.id)
        .order_by(Kibbutz.slug, KibbutzContact.person_id)
    )
    return [(kibbutz, person_id) for kibbutz, person_id in rows]


async def reach(session: AsyncSession, authority: Authority) -> tuple[int, int, int]:
    """For /stats: kibbutzim with a contact, kibbutzim in all, and copies that went out, within
    the coordinator's regions (every kibbutz for national coordinators)."""
    mine = true() if authority.national else Kibbutz.region.in_(sorted(authority.regions))
    total = await session.scalar(select(func.count()).select_from(Kibbutz).where(mine))
    covered = await session.scalar(
        select(func.count(distinct(KibbutzContact.kibbutz_id)))
        .join(Kibbutz, Kibbutz.id == KibbutzContact.kibbutz_id)
        .where(mine)
    )
    people = (
        select(KibbutzContact.person_id)
        .join(Kibbutz, Kibbutz.id == KibbutzContact.kibbutz_id)
        .where(mine)
    )
    sent = await session.scalar(
        select(func.count(OutboxMessage.id))
        .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(
            OutboxMessage.kind == OutboxKind.KIBBUTZ_COPY,
            OutboxMessage.status.in_(DELIVERED),
            ChannelIdentity.person_id.in_(people),
        )
    )
    return int(covered or 0), int(total or 0), int(sent or 0)
