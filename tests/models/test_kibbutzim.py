"""The catalogue's kibbutzim: imported with region and stream, re-imported by slug, and a
person's kibbutz that follows the catalogue's changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog_entries import CatalogError
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.kibbutzim import Kibbutz, Stream
from models.localized import localized
from models.people import Person
from tests.support import OFFERS


async def test_demo_catalogue_lists_kibbutzim_of_both_streams_in_every_region(
    sessions: async_sessionmaker[AsyncSession], catalog: None
) -> None:
    async with sessions() as session:
        rows = (await session.execute(select(Kibbutz.region, Kibbutz.stream))).all()
        sasa = await session.scalar(select(Kibbutz).where(Kibbutz.slug == "sasa"))
    assert {(region, stream) for region, stream in rows} == {
        (region, stream)
        for region in ("north", "center", "south")
        for stream in (Stream.COOPERATIVE, Stream.RENEWED)
    }
    assert len(rows) >= 25
    assert sasa is not None
    assert localized(sasa.content, "name", "he") == "סאסא"
    assert localized(sasa.content, "name", "en") == "Sasa"


async def test_reimport_updates_a_kibbutz_by_slug_and_keeps_the_people_of_it(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    first = tmp_path / "first.yaml"
    first.write_text(
        "kibbutzim:\n  - {slug: samar, region: south, stream: renewed, name: {he: סמר}}\n",
        encoding="utf-8",
    )
    async with sessions() as session, session.begin():
        await import_catalog(session, first, OFFERS)
        samar = await session.scalar(select(Kibbutz).where(Kibbutz.slug == "samar"))
        assert samar is not None
        session.add(Person(name="Noa", kibbutz="samar", interests=[], roles=[]))
    async with sessions() as session, session.begin():
        report = await import_catalog(session, DEMO_CATALOG, OFFERS)
    assert report.updated["kibbutzim"] == 1
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.name == "Noa"))
        assert person is not None
        kibbutz = await session.scalar(select(Kibbutz).where(Kibbutz.slug == person.kibbutz))
        assert kibbutz is not None and kibbutz.slug == "samar"
        assert kibbutz.stream == Stream.COOPERATIVE
        assert localized(kibbutz.content, "name", "en") == "Samar"
        assert (
            await session.scalar(
                select(func.count()).select_from(Kibbutz).where(Kibbutz.slug == "samar")
            )
            == 1
        )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{slug: x, region: north, stream: capitalist, name: {he: א}}", "stream"),
        ("{slug: x, stream: renewed, name: {he: א}}", "region"),
        ("{slug: x, region: north, name: {en: Only English}}", "name.he"),
    ],
)
async def test_bad_kibbutz_entry_is_refused_with_its_slug(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, entry: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"kibbutzim:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        async with sessions() as session, session.begin():
            await import_catalog(session, path, OFFERS)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Kibbutz)) == 0
