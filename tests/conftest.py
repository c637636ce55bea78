"""Fixtures: every database test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import signal
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import FrameType

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.db import create_engine, sessionmaker
from models.people import Channel, person_at
from models.roles import RoleScope, grant
from tests.databases import Databases
from tests.support import Chat, Clock

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _lazy_certificates() -> None:
    """Nothing in the tests speaks TLS (every server is on 127.0.0.1, over plain HTTP), yet
    every HTTP client the bot and the tests make loads the CA bundle (SSL_CERT_FILE or
    certifi's): 20-40 ms of CPU apiece, four for each running bot. The CA directory is read
    only when a certificate is checked, which here is never. For this process and the
    `hagshama` processes it starts."""
    directory = ssl.get_default_verify_paths().capath
    if directory and os.path.isdir(directory):
        os.environ.pop("SSL_CERT_FILE", None)
        os.environ["SSL_CERT_DIR"] = directory


_lazy_certificates()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C, as Python's own handler does it."""
    raise KeyboardInterrupt


# pytest-asyncio runs every async fixture and test through `asyncio.Runner.run`, which, when
# SIGINT has Python's default handler, installs one bound to the task it runs and on the way
# out asks `signal.getsignal` for it; CPython 3.11 answers by formatting a ValueError with the
# handler's repr, and so the task's, and so the fixture's value: the running bot, its stand-in
# and every file it holds. Megabytes of repr for each fixture, two minutes of CPU a run. Any
# other handler keeps Runner from installing its own.
signal.signal(signal.SIGINT, _interrupt)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: pytest-xdist hands the first tests out to its workers in turn, so
    they run side by side from the start instead of one of them holding up the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _kind(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    return str(request.param)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Migrated templates, with and without the demo catalogue, built once per test session and
    copied for every test: migrating and importing for each test would cost a second apiece."""
    made = Databases(tmp_path_factory.mktemp("templates"), PG_URL)
    yield made
    made.close()


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def blank_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, databases: Databases
) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    async with databases.fresh(_kind(request), tmp_path, with_catalog=None) as url:
        yield url


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, databases: Databases
) -> AsyncIterator[str]:
    """A fresh database at the latest schema, holding the demo catalogue when the test asks for
    `catalog`: a copy of the session's template, dropped afterwards."""
    with_catalog = "catalog" in request.fixturenames
    async with databases.fresh(_kind(request), tmp_path, with_catalog=with_catalog) as url:
        yield url


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return sessionmaker(db)


@pytest.fixture
def catalog(database_url: str) -> None:
    """The demo catalogue, as a fresh install has it: `database_url` copies the template that
    holds it whenever a test asks for this fixture."""


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> Engine:
    return Engine(sessions, EngineConfig(), clock=clock, features=FEATURES)


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
    return Engine(
        sessions,
        EngineConfig(admin_addresses=frozenset({NATIONAL_ID})),
        clock=clock,
        features=FEATURES,
    )


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
