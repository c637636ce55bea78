"""Test databases: one migrated template per engine and test session, copied for every test."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade

PREFIX = "hagshama_test_"


def _pg_url(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


async def _pg_admin(base: str, *statements: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def _build(url: str, with_catalog: bool) -> None:
    """Bring a database to the latest schema, with the demo catalogue if asked."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        if with_catalog:
            async with sessionmaker(engine)() as session, session.begin():
                await import_catalog(session, DEMO_CATALOG)
    finally:
        await engine.dispose()
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database:
        # Everything in the main file, so that copying the file copies the database.
        with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Templates:
    """Templates made on first use: a SQLite file, or a PostgreSQL database to copy from."""

    def __init__(self, folder: Path, pg_url: str | None) -> None:
        self.folder = folder
        self.pg_url = pg_url
        self._made: dict[tuple[str, bool], str] = {}

    async def get(self, kind: str, *, with_catalog: bool) -> str:
        """The template's file path (SQLite) or database name (PostgreSQL)."""
        key = (kind, with_catalog)
        if key not in self._made:
            suffix = "catalog" if with_catalog else "schema"
            if kind == "sqlite":
                path = self.folder / f"{suffix}.db"
                await _build(f"sqlite:///{path}", with_catalog)
                self._made[key] = str(path)
            else:
                assert self.pg_url is not None
                name = f"{PREFIX}template_{suffix}_{uuid.uuid4().hex[:8]}"
                await _pg_admin(self.pg_url, f'CREATE DATABASE "{name}"')
                self._made[key] = name  # dropped at the end even if building fails
                await _build(_pg_url(self.pg_url, name), with_catalog)
        return self._made[key]

    def drop(self) -> None:
        """Drop the PostgreSQL templates (SQLite's live in pytest's temporary folder)."""
        names = [name for (kind, _), name in self._made.items() if kind != "sqlite"]
        if names and self.pg_url is not None:
            drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]
            asyncio.run(_pg_admin(self.pg_url, *drops))


@asynccontextmanager
async def fresh_database(
    kind: str, folder: Path, pg_url: str | None, template: str | None
) -> AsyncIterator[str]:
    """A database of the test's own: a copy of `template`, or empty without one."""
    if kind == "sqlite":
        path = folder / "hagshama.db"
        if template is not None:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    assert pg_url is not None
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template is not None else ""
    await _pg_admin(pg_url, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield _pg_url(pg_url, name)
    finally:
        await _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
