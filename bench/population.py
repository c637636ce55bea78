"""A movement-sized database for the benchmarks: the demo catalogue plus `people` people with
identities on Telegram, WhatsApp or both, topic subscriptions with their consent records, about
500 events, about three registrations a person (one event with 5,000 registrants) and leads.

Rows are built in Python from a fixed seed and written with COPY on PostgreSQL (executemany on
SQLite), then the tables are analysed so the planner sees what production would.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from handlers.core.context import EngineConfig
from handlers.people.waitlist import OfferNotices
from models.base import Base
from models.catalog import Event, Topic, Track
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import sessionmaker

EVENTS = 500
BIG_EVENT = 5_000
"""Registrants of the one big event, the roster and export benchmarks' subject."""
REGISTRATIONS_PER_PERSON = 3
REGIONS = ("north", "center", "south")
ROLES = ("treasurer", "community_manager", "secretary", "educator", "hr")
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
WORDING = "2026-11-v1"


@dataclass(frozen=True)
class Population:
    people: int
    big_event: int
    """The id of the event with BIG_EVENT registrants."""


async def populate(
    engine: AsyncEngine, people: int, seed: int = 16, big: int = BIG_EVENT
) -> Population:
    """Fill a freshly upgraded, empty database; the first event gets `big` registrants."""
    async with sessionmaker(engine)() as session, session.begin():
        await import_catalog(session, DEMO_CATALOG, OfferNotices(EngineConfig()))
        topics = list((await session.scalars(select(Topic.id))).all())
        tracks = list((await session.scalars(select(Track.id))).all())
        first_event = int(await session.scalar(select(func.max(Event.id))) or 0) + 1
    rng = random.Random(seed)
    events = list(range(first_event, first_event + EVENTS))
    tables = Base.metadata.tables
    async with engine.begin() as conn:
        await _write(conn, tables["people"], _people(rng, people))
        await _write(conn, tables["channel_identities"], _identities(rng, people))
        subscriptions = list(_subscriptions(rng, people, topics))
        await _write(conn, tables["subscriptions"], subscriptions)
        await _write(conn, tables["consent_records"], _consents(subscriptions))
        await _write(conn, tables["events"], _events(rng, events, tracks))
        await _write(conn, tables["registrations"], _registrations(rng, people, events, big))
        await _write(conn, tables["leads"], _leads(rng, people, tracks))
        await _resequence(conn)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE"))
    return Population(people, events[0])


def _people(rng: random.Random, count: int) -> Iterable[dict[str, Any]]:
    for n in range(1, count + 1):
        yield {
            "id": n,
            "name": f"Person {n}",
            "locale": rng.choices(["he", "en", None], [80, 15, 5])[0],
            "region": rng.choice([*REGIONS, None]),
            "interests": [],
            "roles": [rng.choice(ROLES)] if rng.random() < 0.05 else [],
            "phone": f"+97250{n:07d}",
            "phone_verified": True,
            "created_at": NOW - timedelta(days=rng.randrange(700)),
        }


def _identities(rng: random.Random, count: int) -> Iterable[dict[str, Any]]:
    """60 % on Telegram only, 25 % on WhatsApp only, 15 % on both; 3 % of identities blocked."""
    ids = iter(range(1, 10 * count))
    for n in range(1, count + 1):
        pick = rng.random()
        channels = (
            ["telegram"]
            if pick < 0.6
            else ["whatsapp"]
            if pick < 0.85
            else ["telegram", "whatsapp"]
        )
        for channel in channels:
            seen = NOW - timedelta(hours=rng.randrange(24 * 365))
            yield {
                "id": next(ids),
                "person_id": n,
                "channel": channel,
                "address": str(10_000_000 + n)
                if channel == "telegram"
                else f"whatsapp:+97250{n:07d}",
                "status": "blocked" if rng.random() < 0.03 else "active",
                "last_inbound_at": seen if rng.random() < 0.9 else None,
                "created_at": seen - timedelta(days=30),
            }


def _subscriptions(
    rng: random.Random, count: int, topics: Sequence[int]
) -> Iterable[dict[str, Any]]:
    """Two people in three follow one or two topics; one subscription in ten was withdrawn."""
    ids = iter(range(1, 10 * count))
    for n in range(1, count + 1):
        if rng.random() < 1 / 3:
            continue
        for topic in rng.sample(list(topics), rng.choice([1, 1, 2])):
            yield {
                "id": next(ids),
                "person_id": n,
                "topic_id": topic,
                "status": "unsubscribed" if rng.random() < 0.1 else "active",
                "created_at": NOW - timedelta(days=rng.randrange(365)),
                "updated_at": NOW,
            }


def _consents(subscriptions: Sequence[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    ids = iter(range(1, 3 * len(subscriptions) + 2))
    for sub in subscriptions:
        actions = ["granted"] if sub["status"] == "active" else ["granted", "withdrawn"]
        for action in actions:
            yield {
                "id": next(ids),
                "person_id": sub["person_id"],
                "topic_id": sub["topic_id"],
                "action": action,
                "channel": "telegram",
                "wording_version": WORDING,
                "at": sub["created_at"],
            }


def _events(
    rng: random.Random, events: Sequence[int], tracks: Sequence[int]
) -> Iterable[dict[str, Any]]:
    for event in events:
        starts = NOW + timedelta(days=rng.randrange(-300, 120), hours=rng.randrange(8, 20))
        title = f"Event {event}"
        yield {
            "id": event,
            "slug": f"bench-event-{event}",
            "track_id": rng.choice([*tracks, None]),
            "content": {"he": {"title": title}, "en": {"title": title}},
            "kind": rng.choice(["study_day", "forum", "workshop", "other"]),
            "region": rng.choice([*REGIONS, None]),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
            "capacity": None,
            "taken": 0,
            "status": "published",
            "reminder_offsets": [1440, 120],
            "updated_at": NOW,
        }


def _registrations(
    rng: random.Random, count: int, events: Sequence[int], size: int
) -> Iterable[dict[str, Any]]:
    """`size` people at the first event; the rest spread over the others."""
    ids = iter(range(1, (REGISTRATIONS_PER_PERSON + 1) * count + size + 1))
    statuses = ["confirmed", "cancelled", "waitlisted"]
    big = set(rng.sample(range(1, count + 1), min(size, count)))
    for n in range(1, count + 1):
        chosen = set(rng.sample(events[1:], REGISTRATIONS_PER_PERSON - (n in big)))
        if n in big:
            chosen.add(events[0])
        for event in sorted(chosen):
            registration = next(ids)
            at = NOW - timedelta(minutes=rng.randrange(60 * 24 * 365))
            yield {
                "id": registration,
                "event_id": event,
                "person_id": n,
                "status": rng.choices(statuses, [85, 10, 5])[0],
                "checkin_code": f"B{registration:09d}",
                "channel": "telegram",
                "created_at": at,
                "updated_at": at,
            }


def _leads(rng: random.Random, count: int, tracks: Sequence[int]) -> Iterable[dict[str, Any]]:
    ids = iter(range(1, count + 1))
    for n in range(1, count + 1):
        if rng.random() < 0.1:
            yield {
                "id": next(ids),
                "person_id": n,
                "track_id": rng.choice(tracks),
                "created_at": NOW - timedelta(days=rng.randrange(365)),
            }


async def _write(conn: AsyncConnection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite."""
    rows = list(rows)
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    jsons = {name for name in columns if "JSON" in str(table.c[name].type)}
    records = [tuple(json.dumps(row[c]) if c in jsons else row[c] for c in columns) for row in rows]
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=records, columns=columns
    )


async def _resequence(conn: AsyncConnection) -> None:
    """Point PostgreSQL's id sequences past the ids written by hand."""
    if conn.dialect.name != "postgresql":
        return
    written = ("people", "channel_identities", "subscriptions", "consent_records", "events")
    for table in (*written, "registrations", "leads"):
        await conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        )
