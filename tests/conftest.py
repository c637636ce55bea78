"""Fixtures: every database test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.context import EngineConfig
from handlers.engine import Engine
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from models.people import Channel, person_at
from models.roles import RoleScope, grant
from tests.support import OFFERS, Chat, Clock

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/hagshama.db"
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"hagshama_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return sessionmaker(db)


@pytest_asyncio.fixture
async def catalog(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The demo catalogue, as a fresh install has it."""
    async with sessions() as session, session.begin():
        await import_catalog(session, DEMO_CATALOG, OFFERS)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> Engine:
    return Engine(sessions, EngineConfig(), clock=clock)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)


NATIONAL_ID = "9001"
"""The Telegram id configured in ADMIN_TELEGRAM_IDS for coordinator tests."""
REGIONAL_ID = "9002"
"""A Telegram user granted a regional role over the north (and nothing else)."""


@pytest.fixture
def coordinated(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> Engine:
    """The engine of a deployment with one configured national coordinator."""
    return Engine(sessions, EngineConfig(admin_addresses=frozenset({NATIONAL_ID})), clock=clock)


@pytest.fixture
def national(coordinated: Engine) -> Chat:
    """The national coordinator, on Telegram."""
    return Chat(coordinated, address=NATIONAL_ID, channel=Channel.TELEGRAM)


@pytest_asyncio.fixture
async def regional(coordinated: Engine, sessions: async_sessionmaker[AsyncSession]) -> Chat:
    """The northern region's coordinator, on Telegram."""
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id=REGIONAL_ID)
        await grant(session, person, RoleScope.REGIONAL, regions=["north"])
    return Chat(coordinated, address=REGIONAL_ID, channel=Channel.TELEGRAM)


@pytest.fixture
def member(coordinated: Engine) -> Chat:
    """Someone with no role at all, on Telegram."""
    return Chat(coordinated, address="4242", channel=Channel.TELEGRAM)
