"""On PostgreSQL, the coordinator's questions about one event, one week, one person or one
broadcast are answered through an index, never by reading all of `registrations` or `outbox`.

The database is filled by the benchmarks' generator (5,000 people, 15,000 registrations, copies
of twenty broadcasts) and analysed, so the planner chooses as it would in production; sequential
scans stay enabled: a scan it prefers on these sizes is a missing index, not a test artefact.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.population import NOW, Population, populate
from handlers.coordinators.roster import counts, entries
from handlers.core.context import EngineConfig
from models.broadcast_audience import count_recipients
from models.broadcasts import AudienceKind, Broadcast, tally
from models.catalog import Event
from models.db import sessionmaker
from models.outbox import OutboxKind, Priority, each, enqueue
from models.people import ChannelIdentity, Person
from models.privacy import export
from scheduler.digest import _digest

WATCHED = ("registrations", "outbox")
BROADCASTS = 20


@pytest_asyncio.fixture
async def populated(db: AsyncEngine) -> AsyncIterator[Population]:
    if make_url(str(db.url)).get_backend_name() != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    population = await populate(db, 5_000, big=500)
    async with sessionmaker(db)() as session, session.begin():
        for broadcast in range(1, BROADCASTS + 1):
            copies = select(ChannelIdentity.id).where(
                ChannelIdentity.id % BROADCASTS == broadcast - 1
            )
            await enqueue(
                session,
                each(copies, f"bc:{broadcast}"),
                OutboxKind.BROADCAST,
                {"text": "x"},
                priority=Priority.BULK,
                broadcast_id=broadcast,
            )
    async with db.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE outbox"))
    yield population


async def scans(
    db: AsyncEngine,
    work: Callable[[AsyncSession], Awaitable[Any]],
    watched: tuple[str, ...] = WATCHED,
) -> list[str]:
    """Run `work`, then EXPLAIN every statement it ran; returns the `watched` tables it read
    in full."""
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.sync_engine, "before_cursor_execute", record)
    try:
        async with sessionmaker(db)() as session, session.begin():
            await work(session)
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", record)
    assert statements, "nothing was asked of the database"
    full: list[str] = []
    async with db.connect() as conn:
        for statement, parameters in statements:
            plan = await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
            found = plan.scalar_one()  # asyncpg decodes the JSON; other drivers may not
            full += _sequential((json.loads(found) if isinstance(found, str) else found)[0]["Plan"])
    return [table for table in full if table in watched]


def _sequential(node: dict[str, Any]) -> list[str]:
    found = [node["Relation Name"]] if node["Node Type"] == "Seq Scan" else []
    for child in node.get("Plans", []):
        found += _sequential(child)
    return found


async def test_a_page_of_a_big_events_roster_reads_only_that_event(
    db: AsyncEngine, populated: Population
) -> None:
    async def page(session: AsyncSession) -> None:
        big = await session.get(Event, populated.big_event)
        assert big is not None
        await counts(session, big)
        assert len(await entries(session, big, offset=200, limit=20)) == 20

    # Nor every person: only the page's twenty are joined to theirs.
    assert await scans(db, page, (*WATCHED, "people")) == []


async def test_a_big_events_whole_roster_reads_only_that_event(
    db: AsyncEngine, populated: Population
) -> None:
    async def export(session: AsyncSession) -> None:
        big = await session.get(Event, populated.big_event)
        assert big is not None
        assert len(await entries(session, big)) > 400

    assert await scans(db, export) == []


async def test_the_preview_count_of_an_events_registrants_reads_only_that_event(
    db: AsyncEngine, populated: Population
) -> None:
    async def preview(session: AsyncSession) -> None:
        audience = {"kind": AudienceKind.REGISTRANTS.value, "value": str(populated.big_event)}
        assert await count_recipients(session, Broadcast(text="", audience=audience)) > 0

    assert await scans(db, preview) == []


async def test_a_broadcasts_progress_reads_only_its_copies(
    db: AsyncEngine, populated: Population
) -> None:
    async def progress(session: AsyncSession) -> None:
        assert (await tally(session, 7)).planned > 0

    assert await scans(db, progress) == []


async def test_the_weekly_digest_reads_only_that_weeks_registrations(
    db: AsyncEngine, populated: Population
) -> None:
    async def digest(session: AsyncSession) -> None:
        await _digest(session, NOW - timedelta(days=7), NOW, "he", EngineConfig())

    assert await scans(db, digest) == []


async def test_a_persons_data_export_reads_only_their_registrations(
    db: AsyncEngine, populated: Population
) -> None:
    async def their_data(session: AsyncSession) -> None:
        person = await session.get(Person, 1234)
        assert person is not None
        data = await export(session, person, "he")
        assert data

    assert await scans(db, their_data) == []
