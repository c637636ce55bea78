"""The catalogue: fulfilment tracks, the discovery questionnaire, events and topics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText, UTCDateTime, utcnow


class EventKind(StrEnum):
    """What sort of gathering an event is (from the cooperative circle's work plan)."""

    STUDY_DAY = "study_day"
    FORUM = "forum"
    WORKSHOP = "workshop"
    WORKSHOP_SERIES = "workshop_series"
    COURSE = "course"
    MEETING = "meeting"
    OTHER = "other"


class EventStatus(StrEnum):
    """DRAFT (not shown) → PUBLISHED (open as its registration window allows) → CANCELLED.
    A published event whose start has passed is simply past; no status change is needed."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


NOT_FOR = "not_for"
"""Key of a track's tags naming, per questionnaire field, the answers it is never for (a
pre-army track and the discharged): the catalogue's `not_for:`, kept with the tags."""


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict)
    tags: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, doc="questionnaire field → values this track suits"
    )
    contact: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Question(Base):
    """One step of the track-discovery questionnaire; the catalogue defines them all."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(32), doc="the Person attribute it fills")
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict)
    options: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, doc='[{"value": "north", "label": {"he": …, "en": …}}]'
    )


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    content: Mapped[LocalizedText] = mapped_column(
        JSONType, default=dict, doc="title, description, place per language"
    )
    kind: Mapped[EventKind] = mapped_column(String(24), default=EventKind.OTHER)
    region: Mapped[str | None] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer, doc="None means unlimited")
    taken: Mapped[int] = mapped_column(
        Integer, default=0, doc="seats confirmed or held for an open offer (models.seats)"
    )
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(String(16), default=EventStatus.PUBLISHED)
    min_participants: Mapped[int | None] = mapped_column(
        Integer, doc="below this many confirmed by `decide_by`, the event may be called off"
    )
    decide_by: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="the go/no-go date (models.go_no_go)"
    )
    decision_asked_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="when the coordinators were asked to decide; NULL until then"
    )
    reminder_offsets: Mapped[list[int]] = mapped_column(
        JSONType, default=lambda: [1440, 120], doc="minutes before the start"
    )
    for_role_holders: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="registering asks for the person's kibbutz and roles if we do not know them",
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    imported: Mapped[dict[str, Any] | None] = mapped_column(
        JSONType,
        doc="what the last catalogue import set, by field (models.catalog_import); NULL when "
        "no import set it. A value that differs was changed in the chat since.",
    )


class TopicKind(StrEnum):
    """A bulletin anyone can follow, a track's updates, or a region's news."""

    BULLETIN = "bulletin"
    TRACK = "track"
    REGION = "region"


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    kind: Mapped[TopicKind] = mapped_column(String(16), default=TopicKind.BULLETIN)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    region: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    telegram_channel: Mapped[str | None] = mapped_column(
        String(64),
        doc="a Telegram channel its published bulletins also go to (models.topic_channels)",
    )
