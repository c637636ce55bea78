"""One person, two channels: sharing a phone joins the identities and keeps what they did."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, Topic, Track
from models.people import (
    Channel,
    ChannelIdentity,
    IdentityStatus,
    Person,
    PhoneTaken,
    attach_phone,
    identify,
    mark_blocked,
)
from models.registrations import Lead, Registration, RegistrationStatus
from models.subscriptions import (
    ConsentAction,
    ConsentRecord,
    Subscription,
    SubscriptionStatus,
)
from tests.support import NOW

PHONE = "+972501234567"


async def _register(session: AsyncSession, person: Person, event: Event, code: str) -> None:
    event.taken += 1
    session.add(
        Registration(
            event_id=event.id,
            person_id=person.id,
            status=RegistrationStatus.CONFIRMED,
            checkin_code=code,
        )
    )


async def _subscribe(session: AsyncSession, person: Person, topic: Topic, channel: str) -> None:
    session.add(
        Subscription(person_id=person.id, topic_id=topic.id, status=SubscriptionStatus.ACTIVE)
    )
    session.add(
        ConsentRecord(
            person_id=person.id,
            topic_id=topic.id,
            action=ConsentAction.GRANTED,
            channel=channel,
            wording_version="v1",
        )
    )


async def test_sharing_a_known_phone_on_telegram_joins_the_whatsapp_person(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        forum = Event(slug="forum", content={}, starts_at=NOW, capacity=30)
        course = Event(slug="course", content={}, starts_at=NOW, capacity=30)
        track = Track(slug="nahal", content={}, tags={})
        bulletin = Topic(slug="bulletin", content={})
        youth = Topic(slug="youth", content={})
        session.add_all([forum, course, track, bulletin, youth])
        await session.flush()

        whatsapp = await identify(session, Channel.WHATSAPP, f"whatsapp:{PHONE}", "Noa", NOW)
        whatsapp.person.phone, whatsapp.person.phone_verified = PHONE, True
        whatsapp.person.name = "Noa Levi"
        await _register(session, whatsapp.person, forum, "WA-FORUM")
        await _subscribe(session, whatsapp.person, bulletin, "whatsapp")

        telegram = await identify(session, Channel.TELEGRAM, "1001", "Noa", NOW)
        telegram.person.locale = "en"
        telegram.person.region = "north"
        await _register(session, telegram.person, forum, "TG-FORUM")
        await _register(session, telegram.person, course, "TG-COURSE")
        await _subscribe(session, telegram.person, bulletin, "telegram")
        await _subscribe(session, telegram.person, youth, "telegram")
        session.add(Lead(person_id=telegram.person.id, track_id=track.id))
        await session.flush()
        noa = whatsapp.person.id

        person = await attach_phone(session, telegram, PHONE, verified=True)

    async with sessions() as session:
        assert person.id == noa
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
        identities = (await session.scalars(select(ChannelIdentity))).all()
        assert {i.channel for i in identities} == {Channel.WHATSAPP, Channel.TELEGRAM}
        assert {i.person_id for i in identities} == {noa}

        merged = await session.get(Person, noa)
        assert merged is not None
        assert (merged.name, merged.locale, merged.region) == ("Noa Levi", "en", "north")

        registrations = (await session.scalars(select(Registration))).all()
        held = {r.checkin_code: (r.person_id, r.status) for r in registrations}
        assert held["WA-FORUM"] == (noa, RegistrationStatus.CONFIRMED)
        assert held["TG-COURSE"] == (noa, RegistrationStatus.CONFIRMED)
        assert held["TG-FORUM"][1] == RegistrationStatus.CANCELLED
        assert await session.scalar(select(Event.taken).where(Event.slug == "forum")) == 1

        subscriptions = (await session.scalars(select(Subscription))).all()
        assert sorted(s.topic_id for s in subscriptions) == [bulletin.id, youth.id]
        assert {s.person_id for s in subscriptions} == {noa}
        consents = (await session.scalars(select(ConsentRecord))).all()
        assert len(consents) == 3
        assert {c.person_id for c in consents} == {noa}
        assert (await session.scalars(select(Lead.person_id))).all() == [noa]


async def test_a_new_phone_is_simply_saved(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        telegram = await identify(session, Channel.TELEGRAM, "1002", None, NOW)
        person = await attach_phone(session, telegram, PHONE, verified=False)
        assert (person.phone, person.phone_verified) == (PHONE, False)
        assert person.id == telegram.person_id


async def test_a_typed_phone_never_joins_someone_else(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        owner = await identify(session, Channel.WHATSAPP, f"whatsapp:{PHONE}", None, NOW)
        await attach_phone(session, owner, PHONE, verified=False)  # their own number: proven
        stranger = await identify(session, Channel.TELEGRAM, "1004", None, NOW)
        with pytest.raises(PhoneTaken):
            await attach_phone(session, stranger, PHONE, verified=False)
        assert stranger.person_id != owner.person_id and stranger.person.phone is None


async def test_a_number_typed_by_a_stranger_goes_to_whoever_proves_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        stranger = await identify(session, Channel.TELEGRAM, "1005", None, NOW)
        await attach_phone(session, stranger, PHONE, verified=False)
        owner = await identify(session, Channel.WHATSAPP, f"whatsapp:{PHONE}", None, NOW)
        person = await attach_phone(session, owner, PHONE, verified=False)
        assert person.id == owner.person_id != stranger.person_id
        assert (person.phone, person.phone_verified) == (PHONE, True)
        assert stranger.person.phone is None


async def test_a_blocked_identity_is_active_again_when_they_write(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await identify(session, Channel.TELEGRAM, "1003", None, NOW)
        await mark_blocked(session, Channel.TELEGRAM, "1003")
        status = select(ChannelIdentity.status).where(ChannelIdentity.address == "1003")
        assert await session.scalar(status) == IdentityStatus.BLOCKED
        await identify(session, Channel.TELEGRAM, "1003", None, NOW)
        assert await session.scalar(status) == IdentityStatus.ACTIVE
