"""Event reminders: planned from the registrations, kept in step with the events.

Each run recomputes what every confirmed registration of an upcoming event (or of each session
of a series still ahead) should receive and
reconciles the outbox with it: missing reminders still ahead are queued, pending ones follow a
rescheduled or edited event, and pending ones whose registration or event is gone are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, TemplateKind, TemplateUse, reply_to_payload
from handlers.people.my import MyRegistration
from locales import Translator, reply_locale
from locales.dates import format_span
from models.audience import reachable_identity
from models.catalog import Event, EventStatus
from models.localized import localized
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, enqueue, to_one
from models.people import Person
from models.registrations import Registration, RegistrationStatus
from models.reminders import reminder_key
from models.sessions import EventSession, SessionStatus, is_series
from scheduler.quiet import QuietHours

DEFAULT_OFFSETS = (1440, 120)
"""Minutes before the start, for events that do not set their own."""
KEY_BATCH = 500


@dataclass(frozen=True)
class Planned:
    identity_id: int | None
    locale: str
    event: Event
    checkin_code: str
    registration_id: int
    send_at: datetime
    starts_at: datetime
    """The event's start, or the session's for a series."""
    ends_at: datetime | None


async def plan_reminders(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Queue the reminders still ahead, move pending ones with their event, skip stale ones."""
    planned = await _plan(session, now, quiet, config.default_locale)
    existing = await _existing(session, planned)
    queued = 0
    for key, plan in planned.items():
        row = existing.get(key)
        if row is None:
            if plan.send_at > now and plan.identity_id is not None:
                queued += await enqueue(
                    session,
                    to_one(plan.identity_id, key),
                    OutboxKind.REMINDER,
                    _payload(plan, config.timezone),
                    priority=Priority.REMINDER,
                    not_before=plan.send_at,
                )
        elif row.status == OutboxStatus.PENDING:
            payload = _payload(plan, config.timezone)
            if row.not_before != plan.send_at or row.payload != payload:
                row.not_before = plan.send_at
                row.payload = payload
    await _skip_unplanned(session, planned)
    return queued


async def _plan(
    session: AsyncSession, now: datetime, quiet: QuietHours, default_locale: str
) -> dict[str, Planned]:
    """What each confirmed registration of an upcoming published event — or of each session
    still ahead of a series — should receive, and when; times already past stay in the plan so
    that a due reminder not yet sent is kept."""
    columns = (
        Registration.id,
        Registration.checkin_code,
        Event,
        reachable_identity(Registration.person_id),
        Person.locale,
    )
    confirmed = (
        Registration.status == RegistrationStatus.CONFIRMED,
        Event.status == EventStatus.PUBLISHED,
    )
    singles = await session.execute(
        select(*columns, Event.starts_at, Event.ends_at, literal(None))
        .join(Event, Event.id == Registration.event_id)
        .join(Person, Person.id == Registration.person_id)
        .where(*confirmed, Event.starts_at > now, ~is_series())
    )
    meetings = await session.execute(
        select(*columns, EventSession.starts_at, EventSession.ends_at, EventSession.id)
        .join(Event, Event.id == Registration.event_id)
        .join(EventSession, EventSession.event_id == Event.id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            *confirmed,
            EventSession.status == SessionStatus.SCHEDULED,
            EventSession.starts_at > now,
        )
    )
    planned: dict[str, Planned] = {}
    for registration_id, code, event, identity_id, locale, starts, ends, meeting in (
        *singles,
        *meetings,
    ):
        for offset in event.reminder_offsets or DEFAULT_OFFSETS:
            send_at = quiet.next_allowed(starts - timedelta(minutes=offset), Priority.REMINDER)
            key = reminder_key(registration_id, offset, meeting)
            planned[key] = Planned(
                identity_id,
                reply_locale(locale, default_locale),
                event,
                code,
                registration_id,
                send_at,
                starts,
                ends,
            )
    return planned


async def _existing(session: AsyncSession, keys: Iterable[str]) -> dict[str, OutboxMessage]:
    """The outbox rows already queued under any of `keys`, whatever became of them."""
    wanted = list(keys)
    found: dict[str, OutboxMessage] = {}
    for start in range(0, len(wanted), KEY_BATCH):
        batch = wanted[start : start + KEY_BATCH]
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.in_(batch))
        )
        found.update((row.dedupe_key, row) for row in rows if row.dedupe_key)
    return found


async def _skip_unplanned(session: AsyncSession, planned: dict[str, Planned]) -> None:
    """Pending reminders no longer planned: cancelled registration, cancelled or started event."""
    pending = await session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
            OutboxMessage.kind == OutboxKind.REMINDER, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    stale = [row_id for row_id, key in pending if key not in planned]
    for start in range(0, len(stale), KEY_BATCH):
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(stale[start : start + KEY_BATCH]),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.SKIPPED)
            .execution_options(synchronize_session=False)
        )


def _payload(plan: Planned, timezone: str) -> dict[str, Any]:
    """The reminder in the person's language, with a button to their registration."""
    t = Translator(plan.locale)
    event = plan.event
    place = localized(event.content, "place", t.locale)
    name = localized(event.content, "title", t.locale)
    when = format_span(plan.starts_at, plan.ends_at, t.locale, timezone)
    text = t(
        "reminder.message",
        title=name,
        when=when,
        place=t("reminder.place", place=place) if place else "",
        code=plan.checkin_code,
    )
    button = Button(t("reminder.manage"), MyRegistration(plan.registration_id).pack())
    template = TemplateUse(TemplateKind.REMINDER, (name, when, plan.checkin_code))
    return reply_to_payload(Reply(text, buttons=[[button]], template=template))
