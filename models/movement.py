"""The roles people hold in their kibbutz or the movement, as the catalogue lists them."""

from __future__ import annotations

from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText
from models.kibbutzim import Kibbutz
from models.localized import localized


class MovementRole(Base):
    """A role from the pool of role holders (treasurer, community manager…): people keep the
    slugs of the roles they hold in `Person.roles`."""

    __tablename__ = "movement_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(24), unique=True, doc="short: it rides in buttons")
    position: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict, doc="name per language")


async def movement_roles(session: AsyncSession) -> list[MovementRole]:
    """The catalogue's roles in its order."""
    found = await session.scalars(
        select(MovementRole).order_by(MovementRole.position, MovementRole.id)
    )
    return list(found.all())


async def place_names(session: AsyncSession, locale: str) -> dict[str, dict[str, str]]:
    """A person's `kibbutz` and `roles` slugs → their names in `locale` (for exports)."""
    kibbutzim = await session.scalars(select(Kibbutz))
    roles = await movement_roles(session)
    return {
        "kibbutz": {k.slug: localized(k.content, "name", locale) for k in kibbutzim},
        "roles": {r.slug: localized(r.content, "name", locale) for r in roles},
    }
