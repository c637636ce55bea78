"""One object per kind of broadcast audience: the choices a coordinator may pick, the check of a
picked (or forged) value, the value in words, and the people it stands for in SQL.

A value is offered and accepted by the same rule (`allows`), and a regional author's reach is
added to the SQL of every audience that is not about their own event (`broadcast_audience`), so
no choice and no combination of choices goes past it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from locales.dates import format_span
from models.audience_base import Choice, Kind
from models.audience_places import FILTERS, Combined
from models.broadcasts import AudienceKind
from models.bulletin_service import topic_track
from models.catalog import Event, EventStatus, Topic, Track
from models.localized import localized
from models.outbox import OutboxKind
from models.people import Person
from models.registrations import Lead, Registration, RegistrationStatus
from models.roles import Authority
from models.subscriptions import Subscription, SubscriptionStatus

M = TypeVar("M", Topic, Event)


class Everyone(Kind):
    kind = AudienceKind.EVERYONE
    immediate = True


class Topics(Kind):
    kind = AudienceKind.TOPIC

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        topics = await session.scalars(select(Topic).where(Topic.active).order_by(Topic.id))
        return [(str(topic.id), localized(topic.content, "title", t.locale)) for topic in topics]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        """A region's news or a track's updates belong to that region or track; a general
        bulletin is anyone's (a regional author's copy reaches only their own people anyway)."""
        topic = await _get(session, Topic, value)
        if topic is None:
            return False
        track = await topic_track(session, topic)
        return (topic.region is None and track is None) or authority.covers(
            region=topic.region, track=track
        )

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        topic = await _get(session, Topic, value)
        return localized(topic.content, "title", t.locale) if topic else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        return Person.id.in_(subscribers(Subscription.topic_id == int(value or 0)))


class Tracks(Kind):
    kind = AudienceKind.TRACK

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        tracks = await session.scalars(select(Track).where(Track.active).order_by(Track.id))
        return [(track.slug, localized(track.content, "title", t.locale)) for track in tracks]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        found = await session.scalar(select(Track.id).where(Track.slug == (value or "")))
        return found is not None and authority.covers(track=value)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        track = await session.scalar(select(Track).where(Track.slug == (value or "")))
        return localized(track.content, "title", t.locale) if track else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        return in_tracks(Track.slug == value)


class EventPeople(Kind):
    """Registrants or the waiting list of an upcoming event the coordinator manages, told about
    their event."""

    transactional = True
    note = "transactional"

    def __init__(self, kind: AudienceKind, statuses: Iterable[RegistrationStatus]) -> None:
        self.kind = kind
        self.statuses = list(statuses)

    async def choices(
        self, session: AsyncSession, authority: Authority, t: Translator, now: datetime
    ) -> list[Choice]:
        events = await session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now, authority.events())
            .order_by(Event.starts_at, Event.id)
        )
        return [(str(event.id), await self.name(session, t, str(event.id))) for event in events]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        event = await _get(session, Event, value)
        return event is not None and await authority.covers_event(session, event)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        event = await _get(session, Event, value)
        if event is None:
            return value or ""
        title = localized(event.content, "title", t.locale)
        return f"{title} · {format_span(event.starts_at, event.ends_at, t.locale)}"

    def people(self, value: str | None) -> ColumnElement[bool]:
        registered = select(Registration.person_id).where(
            Registration.event_id == int(value or 0), Registration.status.in_(self.statuses)
        )
        return Person.id.in_(registered)


class Invitation(Combined):
    """An invitation to join: people who consented, and role holders a coordinator imported who
    have not (reached by the WhatsApp opt-in template only)."""

    copies = OutboxKind.INVITATION
    note = "invitation"

    def __init__(self) -> None:
        super().__init__(AudienceKind.INVITE)


async def _get(session: AsyncSession, model: type[M], value: str | None) -> M | None:
    """The row a button's id names; None for a forged or garbled one."""
    return await session.get(model, int(value)) if value and value.isdigit() else None


def subscribers(which: ColumnElement[bool]) -> Select[int]:
    return select(Subscription.person_id).where(
        Subscription.status == SubscriptionStatus.ACTIVE, which
    )


def in_tracks(which: ColumnElement[bool]) -> ColumnElement[bool]:
    """Interest in a track: a lead left on it, or following its updates."""
    tracks = select(Track.id).where(which)
    followed = select(Topic.id).where(Topic.track_id.in_(tracks))
    return or_(
        Person.id.in_(select(Lead.person_id).where(Lead.track_id.in_(tracks))),
        Person.id.in_(subscribers(Subscription.topic_id.in_(followed))),
    )


KINDS: dict[AudienceKind, Kind] = {
    kind.kind: kind
    for kind in (
        Everyone(),
        Topics(),
        Tracks(),
        FILTERS[AudienceKind.REGION],
        FILTERS[AudienceKind.ROLE],
        Combined(AudienceKind.PEOPLE),
        Invitation(),
        EventPeople(AudienceKind.REGISTRANTS, [RegistrationStatus.CONFIRMED]),
        EventPeople(
            AudienceKind.WAITLIST, [RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED]
        ),
        FILTERS[AudienceKind.KIBBUTZ],
        FILTERS[AudienceKind.STREAM],
    )
}
"""Every kind of audience, each by its one object, in the order the menu offers them."""
