"""A bulletin keeps its text per language, its topic and who wrote it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.people import Person
from tests.support import NOW

Sessions = async_sessionmaker[AsyncSession]


async def test_a_new_bulletin_is_a_draft_with_its_languages_and_author(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        topic = Topic(slug="coop", content={"he": {"title": "עלון"}})
        author = Person(name="רכזת", interests=[], roles=["coordinator"])
        session.add_all([topic, author])
        await session.flush()
        bulletin = Bulletin(
            topic_id=topic.id,
            content={"he": {"title": "כנס", "body": "פרטים"}, "en": {"title": "Conference"}},
            publish_at=NOW + timedelta(days=1),
            created_by=author.id,
        )
        session.add(bulletin)

    async with sessions() as session:
        stored = await session.get(Bulletin, bulletin.id)
        assert stored is not None
        assert stored.status == BulletinStatus.DRAFT
        assert stored.content["en"]["title"] == "Conference"
        assert stored.publish_at == NOW + timedelta(days=1)
        assert stored.created_by == author.id and stored.published_at is None


async def test_deleting_the_author_keeps_the_bulletin_and_deleting_the_topic_removes_it(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        topic = Topic(slug="coop", content={})
        author = Person(interests=[], roles=[])
        session.add_all([topic, author])
        await session.flush()
        bulletin = Bulletin(topic_id=topic.id, content={}, created_by=author.id)
        session.add(bulletin)

    async with sessions() as session, session.begin():
        await session.execute(delete(Person).where(Person.id == author.id))
    async with sessions() as session:
        stored = await session.get(Bulletin, bulletin.id)
        assert stored is not None and stored.created_by is None

    async with sessions() as session, session.begin():
        await session.execute(delete(Topic).where(Topic.id == topic.id))
    async with sessions() as session:
        assert await session.get(Bulletin, bulletin.id) is None
