"""Telling registrants what became of their event: a new time or place, or a cancellation.

The one place for these rules: the coordinators' chat tools and `hagshama catalog import` both
come here, so a registrant hears of a change however it was made. Notices go through the outbox
at reminders' priority, in each person's own language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import EngineConfig
from handlers.events import EventList
from handlers.my import MyRegistration
from handlers.types import Button, Reply, reply_to_payload
from handlers.waitlist import offer_key
from locales import Translator
from locales.dates import format_span
from models.audience import reachable_identity
from models.catalog import Event, EventStatus
from models.localized import localized
from models.outbox import OutboxMessage, OutboxStatus, Priority, enqueue
from models.people import Person
from models.registrations import ACTIVE, Registration, RegistrationStatus
from models.reminders import withdraw_reminders

CHANGED = "event_changed"
CANCELLED = "event_cancelled"


async def _registrants(
    session: AsyncSession, event: Event
) -> list[tuple[Registration, int | None, str | None]]:
    """Everyone holding a seat, an offer or a place in line: registration, identity, locale."""
    rows = await session.execute(
        select(Registration, reachable_identity(Registration.person_id), Person.locale)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.id)
    )
    return [(registration, identity, locale) for registration, identity, locale in rows]


def _facts(t: Translator, event: Event, config: EngineConfig) -> dict[str, str]:
    place = localized(event.content, "place", t.locale)
    return {
        "title": localized(event.content, "title", t.locale),
        "when": format_span(event.starts_at, event.ends_at, t.locale, config.timezone),
        "place": t("event_notice.place", place=place) if place else "",
    }


async def announce_change(
    session: AsyncSession, event: Event, config: EngineConfig, now: datetime
) -> int:
    """Queue the new time and place to every registrant; returns how many were queued."""
    change = f"{now:%Y%m%dT%H%M%S%f}"  # each change is news of its own, even minutes apart

    def notice(t: Translator, registration: Registration) -> Reply:
        button = Button(t("event_notice.mine"), MyRegistration(registration.id).pack())
        return Reply(t("event_notice.changed", **_facts(t, event, config)), buttons=[[button]])

    registrants = await _registrants(session, event)
    key = f"{CHANGED}:{event.id}:{change}"
    return await _tell(session, registrants, config, now, CHANGED, key, notice)


async def cancel_event(
    session: AsyncSession, event: Event, config: EngineConfig, now: datetime
) -> int:
    """Cancel the event: every registration released, pending offers withdrawn, everyone who
    held a seat, an offer or a place in line told. Returns how many notices were queued."""
    registrants = await _registrants(session, event)
    await withdraw_reminders(session, [r.id for r, _, _ in registrants])
    offered = [r.id for r, _, _ in registrants if r.status == RegistrationStatus.OFFERED]
    event.status = EventStatus.CANCELLED
    event.taken = 0
    await session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .values(status=RegistrationStatus.CANCELLED, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if offered:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.dedupe_key.in_([offer_key(i) for i in offered]),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.SKIPPED)
            .execution_options(synchronize_session=False)
        )

    def notice(t: Translator, registration: Registration) -> Reply:
        button = Button(t("menu.events"), EventList().pack())
        return Reply(t("event_notice.cancelled", **_facts(t, event, config)), buttons=[[button]])

    key = f"{CANCELLED}:{event.id}"
    return await _tell(session, registrants, config, now, CANCELLED, key, notice)


async def _tell(
    session: AsyncSession,
    registrants: list[tuple[Registration, int | None, str | None]],
    config: EngineConfig,
    now: datetime,
    kind: str,
    key: str,
    notice: Callable[[Translator, Registration], Reply],
) -> int:
    """Queue `notice` to each registrant we can reach, in their language, at reminder priority;
    `key` and the registration make each message once."""
    queued = 0
    for registration, identity_id, locale in registrants:
        if identity_id is None:
            continue
        reply = notice(Translator(locale or config.default_locale), registration)
        queued += await enqueue(
            session,
            identity_id,
            kind,
            reply_to_payload(reply),
            dedupe_key=f"{key}:{registration.id}",
            priority=Priority.REMINDER,
            not_before=now,
        )
    return queued
