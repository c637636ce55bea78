"""Test databases: one migrated template per engine and test session, copied for every test."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import shutil
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from tests.support import OFFERS

PREFIX = "hagshama_test_"
DROPPERS = 4
"""Connections a test session drops its databases over."""


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


def _drop(name: str) -> str:
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


async def _build(url: str, with_catalog: bool) -> None:
    """Bring a database to the latest schema, with the demo catalogue if asked."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        if with_catalog:
            async with sessionmaker(engine)() as session, session.begin():
                await import_catalog(session, DEMO_CATALOG, OFFERS)
    finally:
        await engine.dispose()
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database:
        # Everything in the main file, so that copying the file copies the database.
        with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Databases:
    """Fresh databases for tests, copied from templates made on first use (a SQLite file, or a
    PostgreSQL database); PostgreSQL's are dropped by a thread of their own, since a DROP
    DATABASE takes about a second that the next test need not wait for."""

    def __init__(self, folder: Path, pg_url: str | None) -> None:
        self.folder = folder
        self.pg_url = pg_url
        self._templates: dict[tuple[str, bool], str] = {}
        self._doomed: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_doomed, name="drop-test-databases")
        self._dropper.start()

    @asynccontextmanager
    async def fresh(
        self, kind: str, folder: Path, *, with_catalog: bool | None
    ) -> AsyncIterator[str]:
        """A database of the test's own: empty (`with_catalog` None), or a copy of the template
        at the latest schema, holding the demo catalogue or not."""
        template = None if with_catalog is None else await self._template(kind, with_catalog)
        if kind == "sqlite":
            path = folder / "hagshama.db"
            if template is not None:
                shutil.copyfile(template, path)
            yield f"sqlite:///{path}"
            return
        assert self.pg_url is not None
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template is not None else ""
        await _pg_admin(self.pg_url, f'CREATE DATABASE "{name}"{copy}')
        try:
            yield _pg_url(self.pg_url, name)
        finally:
            self._doomed.put(name)

    async def _template(self, kind: str, with_catalog: bool) -> str:
        """The template's file path (SQLite) or database name (PostgreSQL)."""
        key = (kind, with_catalog)
        if key not in self._templates:
            suffix = "catalog" if with_catalog else "schema"
            if kind == "sqlite":
                path = self.folder / f"{suffix}.db"
                await _build(f"sqlite:///{path}", with_catalog)
                self._templates[key] = str(path)
            else:
                assert self.pg_url is not None
                name = f"{PREFIX}template_{suffix}_{uuid.uuid4().hex[:8]}"
                await _pg_admin(self.pg_url, f'CREATE DATABASE "{name}"')
                self._templates[key] = name  # dropped at the end even if building fails
                await _build(_pg_url(self.pg_url, name), with_catalog)
        return self._templates[key]

    def _drop_doomed(self) -> None:
        if self.pg_url is None:
            self._doomed.get()
            return
        asyncio.run(self._dropping(self.pg_url))

    async def _dropping(self, pg_url: str) -> None:
        """Drop the databases of the tests that ended, those waiting together: each DROP waits
        for a checkpoint, and drops waiting at once share one."""
        admin = create_engine(
            pg_url,
            isolation_level="AUTOCOMMIT",
            pool_size=DROPPERS,
            max_overflow=0,
            pool_timeout=600,
        )

        async def drop(name: str) -> None:
            async with admin.connect() as conn:
                await conn.execute(text(_drop(name)))

        try:
            while True:
                batch = [await asyncio.to_thread(self._doomed.get)]
                with contextlib.suppress(queue.Empty):
                    while True:
                        batch.append(self._doomed.get_nowait())
                await asyncio.gather(*(drop(name) for name in batch if name is not None))
                if None in batch:
                    return
        finally:
            await admin.dispose()

    def close(self) -> None:
        """Drop the templates with the last of the tests' databases, and wait for it."""
        for (kind, _), name in self._templates.items():
            if kind != "sqlite":
                self._doomed.put(name)
        self._doomed.put(None)
        self._dropper.join()
