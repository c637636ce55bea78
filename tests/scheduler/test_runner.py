"""The scheduler runs its jobs in one leader: a second instance waits and takes over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.db import create_engine
from models.subscriptions import subscribe
from scheduler.runner import Runner
from tests.scheduler.support import CONFIG, Sessions, outbox, someone
from tests.support import NOW, Clock


async def _due_bulletin(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        topic = Topic(slug="coop", content={"he": {"title": "עלון"}})
        session.add(topic)
        await session.flush()
        reader = await someone(session, "3001")
        await subscribe(session, reader.person_id, topic.id, "telegram", NOW)
        session.add(
            Bulletin(
                topic_id=topic.id,
                content={"he": {"title": "שלום", "body": "גוף"}},
                publish_at=NOW - timedelta(minutes=1),
                status=BulletinStatus.SCHEDULED,
            )
        )


async def test_the_jobs_run_on_their_own_and_publish_what_is_due(
    db: AsyncEngine, sessions: Sessions, clock: Clock
) -> None:
    await _due_bulletin(sessions)
    runner = Runner(db, CONFIG, clock=clock, intervals={"bulletins": 0.2, "reminders": 0.2})
    await runner.start()
    assert runner.leading  # a single process on SQLite, the only candidate on PostgreSQL
    try:
        for _ in range(600):  # the jobs run in the background; give them up to half a minute
            if await outbox(sessions, "bulletin"):
                break
            await asyncio.sleep(0.05)
    finally:
        await runner.stop()
    assert len(await outbox(sessions, "bulletin")) == 1


async def test_only_one_instance_leads_and_another_takes_over_when_it_stops(
    database_url: str, db: AsyncEngine, sessions: Sessions, clock: Clock
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("leader election is for PostgreSQL; on SQLite the single process leads")
    await _due_bulletin(sessions)
    other_process = create_engine(database_url)
    # No interval jobs: the test runs the bulletin job by hand, as each runner's timer would.
    first = Runner(db, CONFIG, clock=clock, intervals={})
    second = Runner(other_process, CONFIG, clock=clock, intervals={})
    try:
        await first.start()
        await second.start()
        assert (first.leading, second.leading) == (True, False)
        assert await second.run("bulletins") == 0  # a follower does nothing
        assert await outbox(sessions, "bulletin") == []

        await first.stop()
        assert await second.elect()
        assert await second.run("bulletins") == 1
        assert await first.elect() is False  # back again, it follows
    finally:
        await first.stop()
        await second.stop()
        await other_process.dispose()
