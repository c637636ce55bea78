"""Registrations for events and the leads people leave on tracks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow


class RegistrationStatus(StrEnum):
    """CONFIRMED holds a seat; WAITLISTED waits in arrival order (by id); OFFERED holds a seat
    while the person decides. Lifecycle: WAITLISTED → OFFERED (a seat freed up) → CONFIRMED on
    accept, DECLINED or EXPIRED otherwise (the seat goes on); any of the three → CANCELLED when
    the person cancels (a held seat goes on) — but not once checked in at the door."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        # A roster page is picked from this index alone (handlers/coordinators/roster.entries).
        Index("ix_registrations_event_status_id", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"),
        index=True,
        doc="NULL once the person asked to be deleted",
    )
    status: Mapped[RegistrationStatus] = mapped_column(String(16), index=True)
    checkin_code: Mapped[str] = mapped_column(String(12), unique=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seats: Mapped[int] = mapped_column(
        Integer, default=1, doc="people it holds or waits for: 1, or a group's size (models.groups)"
    )
    guests: Mapped[list[str]] = mapped_column(
        JSONType, default=list, doc="names of the group's other members"
    )
    split: Mapped[bool] = mapped_column(
        Boolean, default=False, doc="the group may take fewer seats than it asked for"
    )


class Lead(Base):
    """A person's interest in a track, for its coordinators to follow up; one per track."""

    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("person_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the person agreed to be contacted at (models/leads.py); NULL for earlier leads.
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    note: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
