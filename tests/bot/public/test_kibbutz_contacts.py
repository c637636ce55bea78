"""Kibbutz contact people: appointed from the command line like coordinators (audited, an
unknown kibbutz refused), they get a short, forward-ready copy of each bulletin and event for
their kibbutz — the public link, no personal opt-out line — and /stats counts them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import reply_from_payload
from models.audit import AuditEntry
from models.base import utcnow
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.outbox import OutboxKind, OutboxMessage
from scheduler.bulletins import publish_due_bulletins
from scheduler.kibbutz_copies import copy_events
from scheduler.quiet import DEFAULT_QUIET_HOURS
from tests.bot.public.conftest import BASE, CONFIG
from tests.bot.telegram.standin import PATIENCE, StandIn
from tests.scheduler.delivery import dispatcher
from tests.support import NOW, Chat, hagshama

SASA_CONTACT = 7001
"""A Telegram user appointed contact of Sasa, a northern kibbutz."""
NEW_YEAR = datetime(2027, 1, 1, 10, 0, tzinfo=UTC)
"""A Friday morning: events until the end of January are a month away or less."""
SUNDAY = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)


async def _copies(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.KIBBUTZ_COPY)
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def _bulletin(sessions: async_sessionmaker[AsyncSession], topic: str, title: str) -> int:
    async with sessions() as session, session.begin():
        found = await session.scalar(select(Topic).where(Topic.slug == topic))
        assert found is not None
        bulletin = Bulletin(
            topic_id=found.id,
            content={"he": {"title": title, "body": "מילה " * 400}},
            status=BulletinStatus.SCHEDULED,
            publish_at=NOW - timedelta(minutes=1),
        )
        session.add(bulletin)
        await session.flush()
        await publish_due_bulletins(session, NOW, CONFIG, DEFAULT_QUIET_HOURS)
        return bulletin.id


async def test_appointing_a_contact_is_audited_and_an_unknown_kibbutz_refused(
    database_url: str, catalog: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    grant = hagshama(
        "admin", "grant", "--telegram", str(SASA_CONTACT), "--kibbutz", "sasa",
        database_url=database_url,
    )  # fmt: skip
    assert grant.returncode == 0 and "contact of sasa" in grant.stdout
    listed = hagshama("admin", "list", database_url=database_url)
    assert "kibbutz contact\tsasa" in listed.stdout
    unknown = hagshama(
        "admin", "grant", "--telegram", "7002", "--kibbutz", "atlantis", database_url=database_url
    )
    assert unknown.returncode == 1 and "atlantis" in unknown.stderr
    mixed = hagshama(
        "admin", "grant", "--telegram", "7002", "--kibbutz", "sasa", "--region", "north",
        database_url=database_url,
    )  # fmt: skip
    assert mixed.returncode != 0
    revoke = hagshama(
        "admin", "revoke", "--telegram", str(SASA_CONTACT), "--kibbutz", "sasa",
        database_url=database_url,
    )  # fmt: skip
    assert revoke.returncode == 0
    async with sessions() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    kibbutz = [
        (e.action, e.allowed, e.details["kibbutz"]) for e in entries if "kibbutz" in e.action
    ]
    assert kibbutz == [
        ("admin.kibbutz_grant", True, "sasa"),
        ("admin.kibbutz_grant", False, "atlantis"),
        ("admin.kibbutz_revoke", True, "sasa"),
    ]


async def test_a_contact_gets_forward_ready_copies_of_what_concerns_their_kibbutz(
    database_url: str,
    catalog: None,
    sessions: async_sessionmaker[AsyncSession],
    standin: StandIn,
    national: Chat,
) -> None:
    hagshama(
        "admin", "grant", "--telegram", str(SASA_CONTACT), "--kibbutz", "sasa",
        database_url=database_url,
    )  # fmt: skip
    number = await _bulletin(sessions, "coop-bulletin", "כנס גזברים ארצי")
    await _bulletin(sessions, "region-south", "חדשות הדרום")  # another region's
    await _bulletin(sessions, "track-mechinot", "עדכון מכינות")  # a track's, for its people
    [copy] = await _copies(sessions)
    text = reply_from_payload(copy.payload).text
    assert "כנס גזברים ארצי" in text and f"{BASE}/b/coop-bulletin/{number}" in text
    assert "הסר" not in text and len(text) < 800

    async with sessions() as session, session.begin():
        await copy_events(session, NEW_YEAR, CONFIG, DEFAULT_QUIET_HOURS)
        await copy_events(session, NEW_YEAR, CONFIG, DEFAULT_QUIET_HOURS)  # nothing twice
    events = [reply_from_payload(c.payload).text for c in (await _copies(sessions))[1:]]
    links = sorted(line.rsplit("/", 1)[1] for text in events for line in text.splitlines()
                   if BASE in line)  # fmt: skip
    assert links == [
        "forum-north-january",
        "peers-community-managers-2027",
        "study-day-participatory-management",
        "treasurers-peers-meeting",
        "workshop-mini-demo",
    ]
    assert all("הסר" not in text for text in events)

    # A clock that moves, from Sunday on: one chat gets about a message a second, so the
    # last copies wait their turn.
    started = utcnow()
    send = dispatcher(sessions, standin.base_url, clock=lambda: SUNDAY + (utcnow() - started))
    async with asyncio.timeout(PATIENCE):
        while len(standin.sent(SASA_CONTACT)) < 6:
            await send.run(until_idle=True)
            await asyncio.sleep(0.2)
    received = [call.params["text"] for call in standin.sent(SASA_CONTACT)]
    assert len(received) == 6 and "כנס גזברים ארצי" in received[0]
    assert not any(call.params.get("reply_markup") for call in standin.sent(SASA_CONTACT))

    await national.send("/stats")
    assert "קיבוצים עם איש או אשת קשר: 1 מתוך 28" in national.text
    assert "נשלחו 6 עותקים להעברה" in national.text
