"""The coordinators' weekly digest: registrations, new subscribers and leads of the past week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from handlers.core.types import Reply, reply_to_payload
from locales import Translator, reply_locale
from models.audience import can_reach, reachable_identity
from models.catalog import Event, Topic, Track
from models.localized import localized
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Person
from models.questions import Thread, overdue
from models.registrations import Lead, Registration
from models.roles import coordinator_people
from models.subscriptions import ConsentAction, ConsentRecord
from scheduler.quiet import QuietHours

SEND_WEEKDAY = 6
"""Sunday (Monday is 0), the first working day of the Israeli week."""
SEND_TIME = time(9, 0)
GRACE = timedelta(days=1)
"""A digest missed for longer than this (the service was down) is not sent late."""

Counts = list[tuple[str, int]]


async def send_weekly_digest(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Queue this week's digest for every coordinator, once; returns digests queued."""
    end = week_end(now, config.timezone)
    if now - end > GRACE:
        return 0
    start = end - timedelta(days=7)
    queued = 0
    send_at = quiet.next_allowed(now, Priority.NOTICE)
    for person_id, identity_id, locale in await _coordinators(session, config.admin_addresses):
        payload = await _digest(
            session, start, end, reply_locale(locale, config.default_locale), config
        )
        key = f"{OutboxKind.DIGEST}:{end.date().isoformat()}:{person_id}"
        if await enqueue(
            session,
            to_one(identity_id, key),
            OutboxKind.DIGEST,
            payload,
            priority=Priority.NOTICE,
            not_before=send_at,
        ):
            queued += 1
    return queued


def week_end(now: datetime, timezone: str) -> datetime:
    """The latest weekly sending moment at or before `now`, which closes the week reported."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - SEND_WEEKDAY) % 7)
    end = datetime.combine(day, SEND_TIME, tzinfo=zone)
    if end > local:
        end = datetime.combine(day - timedelta(days=7), SEND_TIME, tzinfo=zone)
    return end.astimezone(now.tzinfo)


async def _coordinators(
    session: AsyncSession, addresses: Iterable[str]
) -> list[tuple[int, int, str | None]]:
    """Every coordinator, configured or granted, with an identity to reach."""
    identity = reachable_identity(Person.id)
    rows = await session.execute(
        select(Person.id, identity, Person.locale)
        .where(Person.id.in_(coordinator_people(addresses)), can_reach(Person.id))
        .order_by(Person.id)
    )
    return [(person_id, identity_id, locale) for person_id, identity_id, locale in rows]


async def _digest(
    session: AsyncSession, start: datetime, end: datetime, locale: str, config: EngineConfig
) -> dict[str, Any]:
    """The digest text in one coordinator's language."""
    t = Translator(locale)
    zone = ZoneInfo(config.timezone)
    week = (Registration.created_at >= start, Registration.created_at < end)
    registrations = await _named(
        session,
        select(Event.content, func.count(Registration.id))
        .join(Registration, Registration.event_id == Event.id)
        .where(*week)
        .group_by(Event.id),
        t.locale,
    )
    granted = (
        ConsentRecord.action == ConsentAction.GRANTED,
        ConsentRecord.at >= start,
        ConsentRecord.at < end,
    )
    subscribers = await _named(
        session,
        select(Topic.content, func.count(distinct(ConsentRecord.person_id)))
        .join(ConsentRecord, ConsentRecord.topic_id == Topic.id)
        .where(*granted)
        .group_by(Topic.id),
        t.locale,
    )
    leads = await _named(
        session,
        select(Track.content, func.count(Lead.id))
        .join(Lead, Lead.track_id == Track.id)
        .where(Lead.created_at >= start, Lead.created_at < end)
        .group_by(Track.id),
        t.locale,
    )
    last_day = end - timedelta(days=1)
    span = {
        "start": f"{start.astimezone(zone):%d.%m}",
        "end": f"{last_day.astimezone(zone):%d.%m.%Y}",
    }
    lines = [t("digest.title", **span)]
    for key, counts in (
        ("digest.registrations", registrations),
        ("digest.subscribers", subscribers),
        ("digest.leads", leads),
    ):
        lines.append("")
        lines.append(t(key, count=sum(count for _, count in counts)))
        lines.extend(t("digest.line", name=name, count=count) for name, count in counts)
    waiting = list(
        await session.scalars(select(Thread.id).where(*overdue(end)).order_by(Thread.id))
    )
    if waiting:
        ids = ", ".join(f"#{thread_id}" for thread_id in waiting[:20])
        lines += ["", t("digest.overdue", count=len(waiting), ids=ids)]
    return reply_to_payload(Reply("\n".join(lines)))


async def _named(session: AsyncSession, query: Any, locale: str) -> Counts:
    """(title, count) rows, busiest first."""
    rows = await session.execute(query)
    counts = [(localized(content, "title", locale), int(count)) for content, count in rows]
    return sorted(counts, key=lambda item: (-item[1], item[0]))
