"""No page ever shows a person: with people registered, waiting, subscribed, coordinating
and writing bulletins, every page of every kind, in both languages, is searched for every
name and phone in the database."""

from __future__ import annotations

import html

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Event, Topic, Track
from models.people import Person
from models.registration_service import register
from models.subscriptions import subscribe
from tests.support import NOW

PEOPLE = [
    ("נועה ברקוביץ", "+972501234567", "קיבוץ יגור"),
    ("Yonatan Peretz-Hollander", "+972527654321", "Kibbutz Naan"),
    ("עומר אלמוג", "+14155550123", "Tel Aviv"),
    ("Maya O'Brien", "+447700900123", "London"),
]


def _national(phone: str) -> str:
    """How an Israeli number is written at home: 050-1234567 / 0501234567."""
    return "0" + phone.removeprefix("+972") if phone.startswith("+972") else phone


async def _populate(session: AsyncSession) -> list[str]:
    events = list((await session.scalars(select(Event).order_by(Event.id))).all())
    topics = list((await session.scalars(select(Topic))).all())
    for index, (name, phone, home) in enumerate(PEOPLE):
        person = Person(name=name, phone=phone, home=home, interests=[], roles=[])
        session.add(person)
        await session.flush()
        for event in events[index::2]:  # the two-seat event fills: a waiting list too
            await register(session, event, person.id, NOW)
        await subscribe(session, person.id, topics[index].id, "telegram", NOW)
        session.add(
            Bulletin(
                topic_id=topics[index].id,
                content={"he": {"title": f"עלון {index}", "body": "גוף"}},
                status=BulletinStatus.PUBLISHED,
                published_at=NOW,
                created_by=person.id,
            )
        )
    await session.flush()
    people = (await session.execute(select(Person.name, Person.phone))).all()
    return [value for row in people for value in row if value]


async def _every_page(session: AsyncSession) -> list[str]:
    paths = ["/", "/?region=north", "/b/", "/e/no-such-event"]
    paths += [f"/e/{slug}" for slug in await session.scalars(select(Event.slug))]
    paths += [f"/t/{slug}" for slug in await session.scalars(select(Track.slug))]
    for topic in await session.scalars(select(Topic)):
        paths.append(f"/b/{topic.slug}/")
        for number in await session.scalars(
            select(Bulletin.id).where(Bulletin.topic_id == topic.id)
        ):
            paths.append(f"/b/{topic.slug}/{number}")
    return paths + ["/en" + path for path in paths]


async def test_no_page_contains_anyone_s_name_or_phone(
    web: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        secrets = await _populate(session)
        paths = await _every_page(session)
    secrets += [_national(value) for value in secrets if value.startswith("+972")]
    secrets += [html.escape(value) for value in secrets if html.escape(value) != value]
    assert len(secrets) >= 2 * len(PEOPLE) and len(paths) > 60
    for path in paths:
        response = await web.get(path)
        assert response.status_code in (200, 404), path
        found = [secret for secret in secrets if secret in response.text]
        assert not found, f"{path} shows {found}"
        calendar = await web.get(f"{path}/calendar.ics") if path.startswith("/e/") else None
        if calendar is not None and calendar.status_code == 200:
            assert not [s for s in secrets if s.encode() in calendar.content], path
