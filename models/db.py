"""Engines, sessions and schema upgrades: SQLite (embedded) and PostgreSQL (several instances)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState

from models import sqlite
from models.checkpoints import AUTOCHECKPOINT_OFF, Checkpoints

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """Accept plain `sqlite:///…` / `postgresql://…` URLs and pick the async driver."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False) if driver else url


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL (checkpointed off the writers' turns), foreign keys,
    write-serialising transactions and one thread trip per statement. Errors never quote
    their bound parameters: those are phone numbers, names and texts, and errors are logged."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, **kwargs)
    # The dialect turns the URL into sqlite3.connect's arguments, as it would for aiosqlite.
    arguments, options = parsed.get_dialect()().create_connect_args(parsed)
    gate = sqlite.Gate()
    in_memory = parsed.database in (None, "", ":memory:")
    checkpoints = None if in_memory else Checkpoints(*arguments, **options)
    engine = create_async_engine(
        parsed,
        async_creator=lambda: sqlite.connect(
            *arguments, gate=gate, checkpoints=checkpoints, **options
        ),
        pool_reset_on_return=None,  # see _on_reset
        **kwargs,
    )
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: with deferred transactions two writers
    # can deadlock on lock upgrade and busy_timeout cannot help (SQLAlchemy's aiosqlite recipe).
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(AUTOCHECKPOINT_OFF)  # models/checkpoints.py
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    # A connection goes back to the pool after nearly every transaction; SQLite says whether
    # one is still open, so a committed one costs no ROLLBACK (and no trip to the thread).
    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


REVISIONS = re.compile(r'^(down_revision|revision)\b[^=\n]*=\s*(None|"[^"\n]*")\s*$', re.MULTILINE)


def head_revision() -> str | None:
    """The migrations' one head, read from their files without loading alembic (a sixth of a
    chat's start-up); None when that is not plain (a merge: alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(REVISIONS.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"].strip('"'))
        if found["down_revision"] != "None":
            parents.add(found["down_revision"].strip('"'))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call on every start, and quick when there is
    nothing to do."""
    if revision == "head":
        head = head_revision()
        if head is not None and await _current(engine) == head:
            return

    def run(connection: Connection) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _current(engine: AsyncEngine) -> str | None:
    """The database's revision; None before the first upgrade."""
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        return None
    return str(found) if found is not None else None
