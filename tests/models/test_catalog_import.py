"""Importing the catalogue twice updates it; it never duplicates entries or loses seats."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, EventKind, Question, Topic, Track
from models.catalog_entries import CatalogError
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.localized import localized
from tests.support import OFFERS


async def count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_demo_catalogue_imports_real_content_in_both_languages(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        report = await import_catalog(session, DEMO_CATALOG, OFFERS)
    assert report.updated == {}
    async with sessions() as session:
        forum = await session.scalar(
            select(Event).where(Event.region == "north", Event.kind == EventKind.FORUM)
        )
        workshop = await session.scalar(select(Event).where(Event.capacity == 30))
        assert forum is not None and workshop is not None
        assert "צפון" in localized(forum.content, "title", "he")
        assert "North" in localized(forum.content, "title", "en")
        assert forum.starts_at.tzinfo is not None
        assert await count(session, Question) >= 6
        assert await count(session, Track) >= 10
        assert await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))


async def test_reimport_updates_in_place_and_keeps_taken_seats(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with sessions() as session, session.begin():
        await import_catalog(session, DEMO_CATALOG, OFFERS)
        await session.execute(update(Event).values(taken=3))
        before = {m.__name__: await count(session, m) for m in (Question, Track, Event, Topic)}
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        DEMO_CATALOG.read_text(encoding="utf-8").replace("capacity: 30", "capacity: 32"),
        encoding="utf-8",
    )
    async with sessions() as session, session.begin():
        report = await import_catalog(session, edited, OFFERS)
    assert report.created == {}
    async with sessions() as session:
        after = {m.__name__: await count(session, m) for m in (Question, Track, Event, Topic)}
        assert after == before
        assert await session.scalar(select(Event).where(Event.capacity == 32)) is not None
        assert set(await session.scalars(select(Event.taken))) == {3}


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("events:\n  - slug: x\n    title: {he: א}\n", "starts_at"),
        (
            "events:\n  - slug: x\n    title: {he: א}\n    starts_at: 2027-01-01T10:00:00\n",
            "offset",
        ),
        ("tracks:\n  - title: {he: א}\n", "slug"),
        ("tracks:\n  - slug: x\n    title: {en: only english}\n", "title.he"),
        ("events:\n  - slug: x\n    kind: party\n    title: {he: א}\n", "kind"),
        ("topics:\n  - slug: x\n    track: nowhere\n    title: {he: א}\n", "unknown track"),
        ("people: []\n", "top level"),
        ("tracks: [\n", "yaml"),
    ],
)
async def test_bad_catalogue_is_refused_with_the_entry_named(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, yaml_text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        async with sessions() as session, session.begin():
            await import_catalog(session, path, OFFERS)
    async with sessions() as session:
        assert await count(session, Track) == 0
