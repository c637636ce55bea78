"""Subscriptions follow consent: granted to start, withdrawn to stop, recorded every time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Topic
from models.people import Person
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    ConsentAction,
    ConsentRecord,
    Subscription,
    active_topics,
    consented,
    consenting_people,
    has_consent,
    open_topics,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)
from tests.support import NOW


async def setup(session: AsyncSession) -> tuple[int, list[int]]:
    person = Person(interests=[], roles=[])
    topics = [Topic(slug=f"t{n}", content={"he": {"title": f"t{n}"}}) for n in range(3)]
    session.add_all([person, *topics])
    await session.flush()
    return person.id, [t.id for t in topics]


async def trail(session: AsyncSession, person_id: int) -> list[tuple[int | None, str]]:
    records = await session.scalars(
        select(ConsentRecord).where(ConsentRecord.person_id == person_id).order_by(ConsentRecord.id)
    )
    return [(r.topic_id, r.action) for r in records]


async def test_subscribing_records_consent_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        person, (first, *_) = await setup(session)
        assert await subscribe(session, person, first, "telegram", NOW) is True
        assert await subscribe(session, person, first, "telegram", NOW) is False
        assert [t.id for t in await active_topics(session, person)] == [first]
        record = await session.scalar(select(ConsentRecord))
        assert record is not None
        assert (record.action, record.channel, record.wording_version, record.at) == (
            ConsentAction.GRANTED,
            "telegram",
            CONSENT_WORDING_VERSION,
            NOW,
        )
        assert await trail(session, person) == [(first, "granted")]


async def test_stopping_one_topic_keeps_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        person, (first, second, _) = await setup(session)
        await subscribe(session, person, first, "whatsapp", NOW)
        await subscribe(session, person, second, "whatsapp", NOW)
        assert await unsubscribe(session, person, first, "whatsapp", NOW) is True
        assert await unsubscribe(session, person, first, "whatsapp", NOW) is False
        assert [t.id for t in await active_topics(session, person)] == [second]
        assert (await trail(session, person))[-1] == (first, "withdrawn")


async def test_after_stopping_all_only_new_consent_resubscribes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        person, (first, second, _) = await setup(session)
        await subscribe(session, person, first, "console", NOW)
        await subscribe(session, person, second, "console", NOW)
        assert await unsubscribe_all(session, person, "console", NOW) == 2
        assert await unsubscribe_all(session, person, "console", NOW) == 0
        assert await active_topics(session, person) == []
        assert await subscribe(session, person, first, "console", NOW) is True
        assert await trail(session, person) == [
            (first, "granted"),
            (second, "granted"),
            (first, "withdrawn"),
            (second, "withdrawn"),
            (first, "granted"),
        ]


async def test_closed_topics_are_not_offered(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        _, (first, second, third) = await setup(session)
        closed = await session.get(Topic, second)
        assert closed is not None
        closed.active = False
        assert [t.id for t in await open_topics(session)] == [first, third]


async def test_consent_is_each_persons_own(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        consenting, (topic, *_) = await setup(session)
        await subscribe(session, consenting, topic, "telegram", NOW)
        # A subscription carried over from an old list, with no consent of their own on record.
        silent = Person(interests=[], roles=[])
        session.add(silent)
        await session.flush()
        session.add(Subscription(person_id=silent.id, topic_id=topic, status="active"))
    async with sessions() as session:
        marketing = select(Person.id).where(consented(Person.id)).order_by(Person.id)
        assert list(await session.scalars(marketing)) == [consenting]
        everyone = Person.id.in_(consenting_people())
        assert list(await session.scalars(select(Person.id).where(everyone))) == [consenting]
        assert await has_consent(session, consenting)
        assert not await has_consent(session, silent.id)
        assert "FROM consent_records, people" not in str(marketing.compile())
