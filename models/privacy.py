"""What we hold about a person (the export) and forgetting them (the deletion)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.catalog import Event, Topic, Track
from models.event_questions import Answer, answers_for
from models.localized import localized
from models.people import Person
from models.questions import Author, Thread, forget_threads, messages
from models.registrations import Lead, Registration
from models.subscriptions import ConsentRecord, Subscription

PROFILE = (
    "name",
    "phone",
    "email",
    "home",
    "kibbutz",
    "locale",
    "region",
    "background",
    "life_stage",
    "age_band",
    "settlement",
    "interests",
    "roles",
    "created_at",
)
Record = dict[str, Any]


async def export(session: AsyncSession, person: Person, locale: str) -> dict[str, Any]:
    """Everything stored about `person`, with catalogue titles in `locale`; dates stay datetimes."""
    await session.refresh(person, ["identities"])
    registrations = (
        await session.execute(
            select(Registration, Event)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.person_id == person.id)
            .order_by(Registration.id)
        )
    ).all()
    given = await answers_for(session, [reg.id for reg, _ in registrations])
    subscriptions = await session.execute(
        select(Subscription, Topic)
        .join(Topic, Topic.id == Subscription.topic_id)
        .where(Subscription.person_id == person.id)
        .order_by(Subscription.id)
    )
    consents = await session.execute(
        select(ConsentRecord, Topic)
        .outerjoin(Topic, Topic.id == ConsentRecord.topic_id)
        .where(ConsentRecord.person_id == person.id)
        .order_by(ConsentRecord.id)
    )
    leads = await session.execute(
        select(Lead, Track)
        .join(Track, Track.id == Lead.track_id)
        .where(Lead.person_id == person.id)
        .order_by(Lead.id)
    )
    return {
        "profile": {name: getattr(person, name) for name in PROFILE},
        "channels": [
            {
                "channel": i.channel,
                "address": i.address,
                "display_name": i.display_name,
                "status": i.status,
                "created_at": i.created_at,
                "last_inbound_at": i.last_inbound_at,
            }
            for i in person.identities
        ],
        "registrations": [
            {
                "event": event.slug,
                "title": localized(event.content, "title", locale),
                "status": reg.status,
                "checkin_code": reg.checkin_code,
                "created_at": reg.created_at,
                "checked_in_at": reg.checked_in_at,
                "group": reg.guests,
                "answers": given.get(reg.id, {}),
            }
            for reg, event in registrations
        ],
        "subscriptions": [
            {
                "topic": topic.slug,
                "title": localized(topic.content, "title", locale),
                "status": sub.status,
                "created_at": sub.created_at,
                "updated_at": sub.updated_at,
            }
            for sub, topic in subscriptions
        ],
        "consents": [
            {
                "topic": topic.slug if topic else None,
                "title": localized(topic.content, "title", locale) if topic else "",
                "action": consent.action,
                "channel": consent.channel,
                "wording_version": consent.wording_version,
                "at": consent.at,
            }
            for consent, topic in consents
        ],
        "leads": [
            {
                "track": track.slug,
                "title": localized(track.content, "title", locale),
                "created_at": lead.created_at,
                "name": lead.name,
                "phone": lead.phone,
                "note": lead.note,
                "consent_at": lead.consent_at,
            }
            for lead, track in leads
        ],
        "questions": await _threads(session, person.id),
    }


async def _threads(session: AsyncSession, person_id: int) -> list[Record]:
    """The person's questions and leads to the team, with what they wrote and were answered;
    the team's internal notes are about the handling, not the person's words, and stay out."""
    threads = await session.scalars(
        select(Thread).where(Thread.person_id == person_id).order_by(Thread.id)
    )
    shown = (Author.PERSON, Author.TEAM)
    return [
        {
            "id": thread.id,
            "kind": thread.kind,
            "status": thread.status,
            "created_at": thread.created_at,
            "messages": [
                {"from": m.author, "text": m.text, "at": m.created_at}
                for m in await messages(session, thread.id)
                if m.author in shown
            ],
        }
        for thread in threads
    ]


def as_json(data: dict[str, Any]) -> bytes:
    """The export as UTF-8 JSON, dates in ISO 8601."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_iso).encode()


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


async def forget(session: AsyncSession, person: Person) -> None:
    """Delete the person: identities, subscriptions, conversation state and what they said to
    the team go with them; registrations, leads, the team's threads (without their messages)
    and consent records stay anonymous so counts and proof remain."""
    person_id = person.id
    await forget_threads(session, person_id)
    # Loading the identities lets the ORM cascade mark them deleted, which tells the engine
    # not to save conversation state for an identity that no longer exists.
    await session.refresh(person, ["identities"])
    # What they told about themselves and their group goes; the seat counts stay.
    theirs = select(Registration.id).where(Registration.person_id == person_id)
    await session.execute(delete(Answer).where(Answer.registration_id.in_(theirs)))
    await session.execute(
        update(Registration)
        .where(Registration.person_id == person_id)
        .values(guests=[])
        .execution_options(synchronize_session=False)
    )
    await session.delete(person)
    await session.flush()
    await audit(session, None, "privacy.delete", f"person:{person_id}")
