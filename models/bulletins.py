"""Bulletins: what coordinators write for a topic, published to its subscribers at a set time."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText, UTCDateTime, utcnow


class BulletinStatus(StrEnum):
    """DRAFT (being written) → SCHEDULED (publish_at set) → PUBLISHED once the scheduler has
    queued it for every subscriber; DRAFT or SCHEDULED → CANCELLED. A published bulletin is
    never sent again."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Bulletin(Base):
    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    content: Mapped[LocalizedText] = mapped_column(
        JSONType, default=dict, doc='{"he": {"title": …, "body": …}, "en": {…}}'
    )
    audience: Mapped[str | None] = mapped_column(
        String(300),
        doc="the topic's subscribers narrowed by role, kibbutz, stream and region "
        "(models.audience_places.pack_filters); None: all of them",
    )
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    status: Mapped[BulletinStatus] = mapped_column(String(16), default=BulletinStatus.DRAFT)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
