"""Test databases: one migrated template per engine and test session, copied for every test; on
PostgreSQL the copies are kept and put back to the template's state after each test."""

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

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from tests.pristine import Fingerprint, Pristine, quoted
from tests.support import OFFERS

PREFIX = "hagshama_test_"


def _pg_url(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _dsn(base: str, name: str) -> str:
    """The URL as asyncpg takes it (no SQLAlchemy driver name)."""
    url = make_url(base).set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False)


async def _pg_admin(base: str, *statements: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await admin.dispose()


def _drop(name: str) -> str:
    return f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)"


async def _alone(conn: asyncpg.Connection) -> bool:
    """End whatever the test left connected (a killed process's sessions); whether they are
    gone, their transactions with them, within a few seconds."""
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    await conn.execute(f"SELECT pg_terminate_backend(pid) {others}")
    for _ in range(500):
        if not await conn.fetchval(f"SELECT count(*) {others}"):
            return True
        await asyncio.sleep(0.01)
    return False


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
        # Everything in the main file, so that copying the file copies the database; busy
        # while a checkpoint started by the last commit still runs (models/checkpoints.py).
        with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as conn:
            # SQLite's busy flag is all there is to wait on: no event says the thread is done.
            while conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:  # noqa: ASYNC110
                await asyncio.sleep(0.01)


class Databases:
    """Fresh databases for tests, made from templates built on first use. SQLite: a copy of the
    template's file. PostgreSQL: a copy of the template kept for the whole session; after each
    test a thread of its own puts the template's rows back, and the copy goes to the next test
    (dropping a database waits for a checkpoint of the whole server, which takes seconds on a
    busy machine; emptying and refilling the tables takes a fraction of one). Empty databases,
    for the migrations' tests, are made for each test."""

    def __init__(self, folder: Path, pg_url: str | None) -> None:
        self.folder = folder
        self.pg_url = pg_url
        self._templates: dict[tuple[str, bool], str] = {}
        self._pristine: dict[bool, Pristine] = {}
        self._kept: dict[str, Fingerprint] = {}
        """Each copy's state after its last restore: the next restores only what changed."""
        self._clean: dict[bool, queue.SimpleQueue[str]] = {
            True: queue.SimpleQueue(),
            False: queue.SimpleQueue(),
        }
        self._made: list[str] = []
        self._used: queue.SimpleQueue[tuple[bool | None, str] | None] = queue.SimpleQueue()
        self._keeper = threading.Thread(target=self._keep, name="keep-test-databases")
        self._keeper.start()

    @asynccontextmanager
    async def fresh(
        self, kind: str, folder: Path, *, with_catalog: bool | None
    ) -> AsyncIterator[str]:
        """A database of the test's own: empty (`with_catalog` None), or as the template at
        the latest schema, holding the demo catalogue or not."""
        if kind == "sqlite":
            path = folder / "hagshama.db"
            if with_catalog is not None:
                shutil.copyfile(await self._template(kind, with_catalog), path)
            yield f"sqlite:///{path}"
            return
        assert self.pg_url is not None
        name = await self._take(self.pg_url, with_catalog)
        try:
            yield _pg_url(self.pg_url, name)
        finally:
            self._used.put((with_catalog, name))

    async def _take(self, pg_url: str, with_catalog: bool | None) -> str:
        """A clean copy from the pool, or a new one when all are in use or being cleaned."""
        if with_catalog is not None:
            with contextlib.suppress(queue.Empty):
                return self._clean[with_catalog].get_nowait()
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        template = (
            None if with_catalog is None else await self._template("postgresql", with_catalog)
        )
        copy = f" TEMPLATE {quoted(template)}" if template is not None else ""
        self._made.append(name)  # dropped at the end even if what follows fails
        await _pg_admin(
            pg_url,
            f"CREATE DATABASE {quoted(name)}{copy}",
            # A commit need not wait for the disk: what a test wrote never outlives a crash.
            f"ALTER DATABASE {quoted(name)} SET synchronous_commit = off",
        )
        if with_catalog is not None:
            # Through the same door as a reused copy: every test finds the very same state.
            await self._restore(pg_url, with_catalog, name)
        return name

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
                self._made.append(name)
                await _pg_admin(self.pg_url, f"CREATE DATABASE {quoted(name)}")
                self._templates[key] = name
                await _build(_pg_url(self.pg_url, name), with_catalog)
                conn = await asyncpg.connect(_dsn(self.pg_url, name))
                try:
                    self._pristine[with_catalog] = await Pristine.read(conn)
                finally:
                    await conn.close()
        return self._templates[key]

    async def _restore(self, pg_url: str, with_catalog: bool, name: str) -> bool:
        """Put the template's state back into a copy (False: a test changed its schema)."""
        conn = await asyncpg.connect(_dsn(pg_url, name))
        try:
            kept = self._kept.pop(name, None)
            if not await _alone(conn):
                kept = None  # what is still connected may yet change anything: all back
            kept = await self._pristine[with_catalog].restore(conn, kept)
        finally:
            await conn.close()
        if kept is None:
            return False
        self._kept[name] = kept
        return True

    async def _recycle(self, pg_url: str, with_catalog: bool, name: str) -> None:
        """Back into the pool once clean; a copy whose schema a test changed, or that could
        not be cleaned, stays out of it and is dropped with the rest at the end."""
        with contextlib.suppress(Exception):
            if await self._restore(pg_url, with_catalog, name):
                self._clean[with_catalog].put(name)

    def _keep(self) -> None:
        if self.pg_url is None:
            self._used.get()
            return
        asyncio.run(self._keeping(self.pg_url))

    async def _keeping(self, pg_url: str) -> None:
        """Clean the copies tests are done with, as they come; at the end, drop everything."""
        cleaning: set[asyncio.Task[None]] = set()
        while (used := await asyncio.to_thread(self._used.get)) is not None:
            with_catalog, name = used
            if with_catalog is not None:  # an empty database waits for the end
                task = asyncio.create_task(self._recycle(pg_url, with_catalog, name))
                cleaning.add(task)
                task.add_done_callback(cleaning.discard)
        await asyncio.gather(*cleaning)
        # All at once: each drop waits for a checkpoint of the server, and drops waiting
        # together share one.
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

        async def drop(name: str) -> None:
            async with admin.connect() as conn:
                await conn.execute(text(_drop(name)))

        try:
            await asyncio.gather(*(drop(name) for name in self._made))
        finally:
            await admin.dispose()

    def close(self) -> None:
        """Drop every PostgreSQL database the session made, and wait for it."""
        self._used.put(None)
        self._keeper.join()
