"""One object per kind of broadcast audience: the choices a coordinator may pick, the check of a
picked (or forged) value, the value in words, and the people it stands for in SQL.

A value is offered and accepted by the same rule (`allows`), and a regional author's reach is
added to the SQL of every audience that is not about their own event (`broadcast_audience`), so
no choice and no combination of choices goes past it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, cast, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from locales.dates import format_span
from models.broadcasts import AudienceKind
from models.bulletin_service import topic_track
from models.catalog import Event, EventStatus, Question, Topic, Track
from models.discovery import option_label
from models.kibbutzim import Kibbutz, Stream
from models.localized import localized
from models.movement import MovementRole
from models.people import Person
from models.registrations import Lead, Registration, RegistrationStatus
from models.roles import Authority
from models.subscriptions import Subscription, SubscriptionStatus

Choice = tuple[str, str]
"""(value, label)."""
M = TypeVar("M", Topic, Event)


class Kind:
    """A kind of audience; subclasses say what it offers, accepts and selects."""

    kind: AudienceKind

    async def choices(
        self, session: AsyncSession, authority: Authority, t: Translator, now: datetime
    ) -> list[Choice]:
        """Every value this coordinator may pick, labelled in their language."""
        return [
            (value, label)
            for value, label in await self.options(session, t, now)
            if await self.allows(session, authority, value)
        ]

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        return []

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        """Whether the value names something that exists and lies within reach."""
        return value is None

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        """The people the value stands for, as a condition on Person."""
        return true()


class Everyone(Kind):
    kind = AudienceKind.EVERYONE


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


class Regions(Kind):
    kind = AudienceKind.REGION

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        questions = await _regions(session)
        values = [str(option["value"]) for q in questions for option in q.options]
        return [(value, option_label(questions, "region", value, t.locale)) for value in values]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        known = {str(option["value"]) for q in await _regions(session) for option in q.options}
        return value in known and authority.covers(region=value)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return option_label(await _regions(session), "region", value or "", t.locale)

    def people(self, value: str | None) -> ColumnElement[bool]:
        return in_regions([value or ""])


class Roles(Kind):
    kind = AudienceKind.ROLE

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        roles = await session.scalars(select(MovementRole).order_by(MovementRole.position))
        return [(role.slug, localized(role.content, "name", t.locale)) for role in roles]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        found = await session.scalar(select(MovementRole.id).where(MovementRole.slug == value))
        return found is not None

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        role = await session.scalar(select(MovementRole).where(MovementRole.slug == value))
        return localized(role.content, "name", t.locale) if role else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        # Roles are a JSON list of short slugs; the quoted slug matches one element exactly.
        return cast(Person.roles, String).like(f'%"{value}"%')


class Kibbutzim(Kind):
    kind = AudienceKind.KIBBUTZ

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        found = await session.scalars(select(Kibbutz))
        named = [(k.slug, localized(k.content, "name", t.locale)) for k in found]
        return sorted(named, key=lambda choice: choice[1])

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        region = await session.scalar(select(Kibbutz.region).where(Kibbutz.slug == value))
        return region is not None and authority.covers(region=region)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        kibbutz = await session.scalar(select(Kibbutz).where(Kibbutz.slug == value))
        return localized(kibbutz.content, "name", t.locale) if kibbutz else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        return Person.kibbutz == value


class Streams(Kind):
    kind = AudienceKind.STREAM

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        return [(stream.value, t(f"broadcast.stream.{stream}")) for stream in Stream]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        return value in set(Stream)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return t(f"broadcast.stream.{value}") if value in set(Stream) else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        return Person.kibbutz.in_(select(Kibbutz.slug).where(Kibbutz.stream == value))


class EventPeople(Kind):
    """Registrants or the waiting list of an upcoming event the coordinator manages."""

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


async def _get(session: AsyncSession, model: type[M], value: str | None) -> M | None:
    """The row a button's id names; None for a forged or garbled one."""
    return await session.get(model, int(value)) if value and value.isdigit() else None


async def _regions(session: AsyncSession) -> list[Question]:
    """The questionnaire's region question: the one list of regions."""
    return list(await session.scalars(select(Question).where(Question.field == "region")))


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


def in_regions(regions: list[str]) -> ColumnElement[bool]:
    """People of these regions: by their own answer, or by their kibbutz's region."""
    return or_(
        Person.region.in_(regions),
        Person.kibbutz.in_(select(Kibbutz.slug).where(Kibbutz.region.in_(regions))),
    )


FILTERS: dict[str, Kind] = {
    kind.kind.value: kind for kind in (Roles(), Kibbutzim(), Streams(), Regions())
}
"""What a combined audience (`people`, `invite`) may narrow by, each at most once, AND-ed."""


def parse_filters(value: str | None) -> dict[str, str] | None:
    """`role=treasurer;stream=cooperative` → its filters; None when malformed."""
    if not value:
        return None
    filters: dict[str, str] = {}
    for part in value.split(";"):
        name, _, chosen = part.partition("=")
        if name not in FILTERS or not chosen or name in filters:
            return None
        filters[name] = chosen
    return filters


def pack_filters(filters: dict[str, str]) -> str:
    return ";".join(f"{name}={filters[name]}" for name in FILTERS if name in filters)


class Combined(Kind):
    """People matching every filter given: "treasurers of cooperative kibbutzim in the north"."""

    def __init__(self, kind: AudienceKind) -> None:
        self.kind = kind

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        filters = parse_filters(value)
        if filters is None:
            return False
        for name, chosen in filters.items():
            if not await FILTERS[name].allows(session, authority, chosen):
                return False
        return True

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        filters = parse_filters(value) or {}
        names = [await FILTERS[name].name(session, t, chosen) for name, chosen in filters.items()]
        return " · ".join(names)

    def people(self, value: str | None) -> ColumnElement[bool]:
        filters = parse_filters(value) or {}
        return and_(true(), *(FILTERS[name].people(chosen) for name, chosen in filters.items()))


KINDS: dict[AudienceKind, Kind] = {
    kind.kind: kind
    for kind in (
        Everyone(),
        Topics(),
        Tracks(),
        *FILTERS.values(),
        Combined(AudienceKind.PEOPLE),
        Combined(AudienceKind.INVITE),
        EventPeople(AudienceKind.REGISTRANTS, [RegistrationStatus.CONFIRMED]),
        EventPeople(
            AudienceKind.WAITLIST, [RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED]
        ),
    )
}
"""Every kind of audience, each by its one object."""
