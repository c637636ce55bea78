"""Copies for kibbutz contacts to forward: each published bulletin of a movement-wide or a
regional topic, and each upcoming event of their kibbutz's region (or a national one) once it
is a month away, once per contact, in the contact's language, through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.bulletin_copies import forward_bulletin, forward_event
from handlers.core.context import EngineConfig
from handlers.core.types import Reply, reply_to_payload
from locales import SUPPORTED_LOCALES
from models.audience import reachable_identity, speaks
from models.bulletins import Bulletin
from models.catalog import Event, EventStatus, Topic, TopicKind
from models.kibbutz_contacts import KibbutzContact
from models.kibbutzim import Kibbutz
from models.outbox import OutboxKind, Priority, enqueue, keyed
from models.people import Person
from scheduler.quiet import QuietHours

KIND = OutboxKind.KIBBUTZ_COPY
AHEAD = timedelta(days=30)
"""An event's copy goes when the event is this close (or on publication, if closer): early
enough to forward, late enough not to be forgotten."""


async def _queue(
    session: AsyncSession,
    key: str,
    where: ColumnElement[bool],
    render: dict[str, Reply],
    config: EngineConfig,
    send_at: datetime,
) -> int:
    """One copy per contact of the kibbutzim `where` selects, each in their language."""
    queued = 0
    for locale in SUPPORTED_LOCALES:
        contacts = (
            select(
                reachable_identity(KibbutzContact.person_id),
                keyed(key, KibbutzContact.person_id),
            )
            .join(Kibbutz, Kibbutz.id == KibbutzContact.kibbutz_id)
            .join(Person, Person.id == KibbutzContact.person_id)
            .where(where, speaks(locale, config.default_locale))
            .distinct()
        )
        queued += await enqueue(
            session,
            contacts,
            KIND,
            reply_to_payload(render[locale]),
            priority=Priority.NOTICE,
            not_before=send_at,
        )
    return queued


async def copy_bulletin(
    session: AsyncSession, bulletin: Bulletin, config: EngineConfig, send_at: datetime
) -> int:
    """A published bulletin for the contacts it concerns: every kibbutz for a movement-wide
    bulletin, the region's kibbutzim for a regional one; a track's updates are for the people
    on the track, not for kibbutzim."""
    topic = await session.get(Topic, bulletin.topic_id)
    if topic is None or topic.kind == TopicKind.TRACK:
        return 0
    where = Kibbutz.region == topic.region if topic.kind == TopicKind.REGION else true()
    render = {loc: forward_bulletin(bulletin, topic, config, loc) for loc in SUPPORTED_LOCALES}
    return await _queue(session, f"{KIND}:bulletin:{bulletin.id}", where, render, config, send_at)


async def copy_events(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """The scheduler's job: events within a month that some contact has no copy of yet (the
    dedupe key makes a second run, or a second instance, add nothing)."""
    events = await session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + AHEAD,
        )
        .order_by(Event.starts_at, Event.id)
    )
    send_at = quiet.next_allowed(now, Priority.NOTICE)
    queued = 0
    for event in events.all():
        where = true() if event.region is None else Kibbutz.region == event.region
        render = {loc: forward_event(event, config, loc) for loc in SUPPORTED_LOCALES}
        queued += await _queue(session, f"{KIND}:event:{event.id}", where, render, config, send_at)
    return queued
