"""Engines, sessions and schema upgrades: SQLite (embedded) and PostgreSQL (several instances)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState

from models import sqlite

MIGRATIONS = Path(__file__).with_name("migrations")

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """Accept plain `sqlite:///…` / `postgresql://…` URLs and pick the async driver."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False) if driver else url


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys, write-serialising transactions and
    one thread trip per statement. Errors never quote their bound parameters: those are
    phone numbers, names and texts, and errors are logged."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, **kwargs)
    # The dialect turns the URL into sqlite3.connect's arguments, as it would for aiosqlite.
    arguments, options = parsed.get_dialect()().create_connect_args(parsed)
    gate = asyncio.Lock()
    engine = create_async_engine(
        parsed,
        async_creator=lambda: sqlite.connect(*arguments, gate=gate, **options),
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
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call on every start."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
