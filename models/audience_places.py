"""The audience kinds of a person's place: their region, roles, kibbutz and its stream; and the
combined audience that ANDs them ("treasurers of cooperative kibbutzim in the north")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, cast, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from models.audience_base import Choice, Kind
from models.broadcasts import AudienceKind
from models.discovery import region_label, region_questions, region_values, regions
from models.kibbutzim import Kibbutz, Stream
from models.localized import localized
from models.movement import MovementRole
from models.people import Person
from models.roles import Authority


class Regions(Kind):
    kind = AudienceKind.REGION

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        questions = await region_questions(session)
        return [(value, region_label(questions, value, t)) for value in region_values(questions)]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        return value in await regions(session) and authority.covers(region=value)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return region_label(await region_questions(session), value or "", t)

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
    offered = False

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
    offered = False

    async def options(self, session: AsyncSession, t: Translator, now: datetime) -> list[Choice]:
        return [(stream.value, t(f"broadcast.stream.{stream}")) for stream in Stream]

    async def allows(self, session: AsyncSession, authority: Authority, value: str | None) -> bool:
        return value in set(Stream)

    async def name(self, session: AsyncSession, t: Translator, value: str | None) -> str:
        return t(f"broadcast.stream.{value}") if value in set(Stream) else value or ""

    def people(self, value: str | None) -> ColumnElement[bool]:
        return Person.kibbutz.in_(select(Kibbutz.slug).where(Kibbutz.stream == value))


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

    combined = True

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
