"""Telling registrants what became of their event: a new time or place, or a cancellation.

The one place for these rules: the coordinators' chat tools and `hagshama catalog import` both
come here, so a registrant hears of a change however it was made. Notices go through the outbox
at reminders' priority, in each person's own language, one per registrant and change: a newer
change replaces a notice about an older one that has not gone out yet, so a move and a move
back tell people only the final time, once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, reply_to_payload
from handlers.people.events import EventList
from handlers.people.my import MyRegistration
from locales import Translator, reply_locale
from locales.dates import format_span
from models.audience import reachable_identity
from models.catalog import Event, EventStatus
from models.localized import localized
from models.outbox import OutboxKind, OutboxMessage, Priority, enqueue, to_one, withdraw
from models.people import Person
from models.registrations import ACTIVE, Registration, RegistrationStatus
from models.reminders import withdraw_reminders
from models.seats import lock_event, withdraw_offer
from models.sessions import EventSession, SessionStatus

CHANGED = OutboxKind.EVENT_CHANGED
CANCELLED = OutboxKind.EVENT_CANCELLED


async def count_registrants(session: AsyncSession, event: Event) -> int:
    """How many people a notice about the event would be queued for now."""
    return sum(identity is not None for _, identity, _ in await _registrants(session, event))


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
    """Queue the new time and place to every registrant, replacing any unsent notice of an
    earlier change; returns how many were queued."""
    # Every change is news of its own, even two within the same instant.
    change = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"

    def notice(t: Translator, registration: Registration) -> Reply:
        button = Button(t("event_notice.mine"), MyRegistration(registration.id).pack())
        return Reply(t("event_notice.changed", **_facts(t, event, config)), buttons=[[button]])

    registrants = await _registrants(session, event)
    return await _tell(session, registrants, config, now, CHANGED, change, notice)


async def announce_session(
    session: AsyncSession,
    event: Event,
    meeting: EventSession,
    was: datetime,
    config: EngineConfig,
    now: datetime,
) -> int:
    """Tell the series' registrants — only them — that one session (which was at `was`) moved
    or was cancelled; a newer notice about the same session replaces an unsent older one."""
    change = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    cancelled = meeting.status == SessionStatus.CANCELLED

    def notice(t: Translator, registration: Registration) -> Reply:
        facts = _facts(t, event, config)
        facts["was"] = format_span(was, None, t.locale, config.timezone)
        facts["when"] = format_span(meeting.starts_at, meeting.ends_at, t.locale, config.timezone)
        key = "series_notice.cancelled" if cancelled else "series_notice.moved"
        button = Button(t("event_notice.mine"), MyRegistration(registration.id).pack())
        return Reply(t(key, **facts), buttons=[[button]])

    registrants = await _registrants(session, event)
    scope = f"s{meeting.id}:"
    return await _tell(session, registrants, config, now, CHANGED, change, notice, scope)


async def announce_added(
    session: AsyncSession,
    event: Event,
    added: list[EventSession],
    config: EngineConfig,
    now: datetime,
) -> int:
    """Tell the series' registrants of its new sessions (their registration covers them)."""
    change = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"

    def notice(t: Translator, registration: Registration) -> Reply:
        facts = _facts(t, event, config)
        facts["sessions"] = "\n".join(
            t(
                "series.card_line",
                when=format_span(m.starts_at, m.ends_at, t.locale, config.timezone),
            )
            for m in added
        )
        button = Button(t("event_notice.mine"), MyRegistration(registration.id).pack())
        return Reply(t("series_notice.added", **facts), buttons=[[button]])

    registrants = await _registrants(session, event)
    scope = f"a{added[0].id}:"
    return await _tell(session, registrants, config, now, CHANGED, change, notice, scope)


async def cancel_event(
    session: AsyncSession, event: Event, config: EngineConfig, now: datetime
) -> int:
    """Cancel the event: every registration released, pending offers withdrawn, everyone who
    held a seat, an offer or a place in line told. Returns how many notices were queued."""
    await lock_event(session, event.id)
    registrants = await _registrants(session, event)
    await withdraw_reminders(session, [r.id for r, _, _ in registrants])
    for registration, _, _ in registrants:
        if registration.status == RegistrationStatus.OFFERED:
            await withdraw_offer(session, registration.id)
    # A change nobody heard of yet is moot once the event is off.
    prefix = f"{CHANGED}:{event.id}:"
    await withdraw(session, OutboxMessage.dedupe_key.startswith(prefix, autoescape=True))
    event.status = EventStatus.CANCELLED
    event.taken = 0
    await session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .values(status=RegistrationStatus.CANCELLED, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )

    def notice(t: Translator, registration: Registration) -> Reply:
        button = Button(t("menu.events"), EventList().pack())
        return Reply(t("event_notice.cancelled", **_facts(t, event, config)), buttons=[[button]])

    return await _tell(session, registrants, config, now, CANCELLED, "", notice)


async def _tell(
    session: AsyncSession,
    registrants: list[tuple[Registration, int | None, str | None]],
    config: EngineConfig,
    now: datetime,
    kind: OutboxKind,
    change: str,
    notice: Callable[[Translator, Registration], Reply],
    scope: str = "",
) -> int:
    """Queue `notice` to each registrant we can reach, in their language, at reminder priority,
    in place of any unsent notice of the same kind about the event (or about its session
    `scope`); keyed by event, scope, registration and `change`."""
    queued = 0
    for registration, identity_id, locale in registrants:
        if identity_id is None:
            continue
        reply = notice(Translator(reply_locale(locale, config.default_locale)), registration)
        about = f"{kind}:{registration.event_id}:{scope}{registration.id}:"
        queued += await enqueue(
            session,
            to_one(identity_id, f"{about}{change}"),
            kind,
            reply_to_payload(reply),
            priority=Priority.REMINDER,
            not_before=now,
            supersedes=about,
        )
    return queued
