"""Minimum participants: a day before an event's go/no-go date, if fewer people are confirmed
than it needs, the coordinators who manage it are told, with a button that cancels it after
one confirmation (the /manage_events cancel) and one that keeps it. Each event is checked once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.event_manage import Action, Manage
from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, reply_to_payload
from locales import Translator, reply_locale
from locales.dates import format_date_time, format_span
from models.audience import can_reach, reachable_identity
from models.catalog import Event, EventStatus
from models.localized import localized
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Person
from models.registrations import Registration, RegistrationStatus
from models.roles import Authority, CoordinatorRole, RoleScope, coordinator_people
from scheduler.quiet import QuietHours

ASK_AHEAD = timedelta(days=1)
"""Told a day before the go/no-go date: time to call people, or to call it off."""


async def check_minimums(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Ask the coordinators about every event short of its minimum near its go/no-go date;
    returns the messages queued."""
    due = await session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.min_participants.is_not(None),
            Event.decide_by.is_not(None),
            Event.decide_by <= now + ASK_AHEAD,
            Event.decision_asked_at.is_(None),
            Event.starts_at > now,
        )
        .order_by(Event.id)
    )
    queued = 0
    for event in due.all():
        event.decision_asked_at = now
        confirmed = await session.scalar(
            select(func.coalesce(func.sum(Registration.seats), 0)).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
        if int(confirmed or 0) >= (event.min_participants or 0):
            continue
        for person_id, identity_id, locale in await _managers(session, event, config):
            payload = _message(
                event,
                int(confirmed or 0),
                reply_locale(locale, config.default_locale),
                config,
            )
            key = f"{OutboxKind.EVENT_DECISION}:{event.id}:{person_id}"
            queued += await enqueue(
                session,
                to_one(identity_id, key),
                OutboxKind.EVENT_DECISION,
                payload,
                priority=Priority.NOTICE,
                not_before=quiet.next_allowed(now, Priority.NOTICE),
            )
    return queued


async def _managers(
    session: AsyncSession, event: Event, config: EngineConfig
) -> list[tuple[int, int, str | None]]:
    """The coordinators, configured or granted, whose reach covers the event."""
    rows = await session.execute(
        select(Person.id, reachable_identity(Person.id), Person.locale, CoordinatorRole)
        .outerjoin(CoordinatorRole, CoordinatorRole.person_id == Person.id)
        .where(Person.id.in_(coordinator_people(config.admin_addresses)), can_reach(Person.id))
        .order_by(Person.id)
    )
    found = []
    for person_id, identity_id, locale, role in rows:
        authority = (
            Authority(person_id, RoleScope.NATIONAL)
            if role is None
            else Authority(
                person_id, RoleScope(role.scope), frozenset(role.regions), frozenset(role.tracks)
            )
        )
        if await authority.covers_event(session, event):
            found.append((person_id, identity_id, locale))
    return found


def _message(event: Event, confirmed: int, locale: str, config: EngineConfig) -> dict[str, Any]:
    t = Translator(locale)
    text = t(
        "gonogo.short",
        title=localized(event.content, "title", locale),
        when=format_span(event.starts_at, event.ends_at, locale, config.timezone),
        confirmed=confirmed,
        minimum=event.min_participants,
        decide_by=format_date_time(event.decide_by or event.starts_at, locale, config.timezone),
    )
    buttons = [
        [Button(t("gonogo.cancel"), Manage(event.id, Action.CANCEL).pack())],
        [Button(t("gonogo.keep"), Manage(event.id).pack())],
    ]
    return reply_to_payload(Reply(text, buttons=buttons))
