"""The migration builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import Base
from models.db import upgrade


async def test_upgraded_schema_matches_the_models(db: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with db.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_upgrading_twice_is_harmless(db: AsyncEngine) -> None:
    await upgrade(db)
    async with db.connect() as conn:
        tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
    assert {"people", "events", "registrations", "outbox", "audit_log"} <= set(tables)
