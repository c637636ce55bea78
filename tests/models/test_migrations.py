"""The migration builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import Base
from models.db import alembic_config, create_engine, head_revision, upgrade


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


async def test_people_writing_from_whatsapp_keep_their_phone_verified_across_the_upgrade(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as conn:
            for person_id, phone, address in (
                (1, "+972501111111", "whatsapp:+972501111111"),
                (2, "+972502222222", "5002"),  # a Telegram user who typed a number
            ):
                await conn.execute(
                    text(
                        "INSERT INTO people (id, phone, interests, roles, created_at) "
                        "VALUES (:id, :phone, '[]', '[]', CURRENT_TIMESTAMP)"
                    ),
                    {"id": person_id, "phone": phone},
                )
                channel = "whatsapp" if address.startswith("whatsapp:") else "telegram"
                await conn.execute(
                    text(
                        "INSERT INTO channel_identities "
                        "(person_id, channel, address, status, created_at) "
                        "VALUES (:id, :channel, :address, 'active', CURRENT_TIMESTAMP)"
                    ),
                    {"id": person_id, "channel": channel, "address": address},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT id, phone_verified FROM people ORDER BY id"))
            assert [(row[0], bool(row[1])) for row in rows] == [(1, True), (2, False)]
    finally:
        await engine.dispose()


async def test_seats_held_for_offers_count_as_taken_after_the_upgrade(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        await upgrade(engine, "0007")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO events (id, slug, content, kind, starts_at, capacity, taken, "
                    "status, reminder_offsets, updated_at) VALUES (1, 'e', '{}', 'other', "
                    "CURRENT_TIMESTAMP, 3, 2, 'published', '[]', CURRENT_TIMESTAMP)"
                )
            )
            for n, status in enumerate(("confirmed", "confirmed", "offered", "waitlisted")):
                await conn.execute(
                    text(
                        "INSERT INTO registrations (event_id, status, checkin_code, created_at, "
                        "updated_at) VALUES (1, :status, :code, CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"status": status, "code": f"CODE{n}"},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            taken = await conn.scalar(text("SELECT taken FROM events WHERE id = 1"))
        assert taken == 3  # two confirmed and the seat held for the offer: none left to show
    finally:
        await engine.dispose()


def test_the_head_read_from_the_files_is_alembics() -> None:
    # `upgrade` skips loading alembic when the database is at this head: it must be alembic's.
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_database_behind_the_head_is_still_upgraded(blank_database_url: str) -> None:
    engine = create_engine(blank_database_url)
    try:
        await upgrade(engine, "0006")
        await upgrade(engine)
        async with engine.connect() as conn:
            version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert version == head_revision()
