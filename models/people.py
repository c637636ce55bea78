"""People and the channel identities through which they reach us."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    UniqueConstraint,
    and_,
    delete,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship

from models.base import Base, JSONType, UTCDateTime, utcnow
from models.catalog import Event
from models.registrations import Lead, Registration, RegistrationStatus
from models.subscriptions import ConsentRecord, Subscription


class Channel(StrEnum):
    """Where a person talks to us."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    CONSOLE = "console"


class IdentityStatus(StrEnum):
    """An identity is ACTIVE until the platform tells us the person blocked us (BLOCKED) or
    the address cannot receive messages at all (INVALID, e.g. a number without WhatsApp);
    a new inbound message from them makes it ACTIVE again."""

    ACTIVE = "active"
    BLOCKED = "blocked"
    INVALID = "invalid"


class Person(Base):
    __tablename__ = "people"
    # Never reuse a deleted person's id on SQLite: audit entries name people by id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(32))
    home: Mapped[str | None] = mapped_column(String(200), doc="home kibbutz or city")
    background: Mapped[str | None] = mapped_column(String(32))
    life_stage: Mapped[str | None] = mapped_column(String(32))
    age_band: Mapped[str | None] = mapped_column(String(16))
    settlement: Mapped[str | None] = mapped_column(String(16), doc="urban or rural")
    interests: Mapped[list[str]] = mapped_column(JSONType, default=list)
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True, doc="E.164")
    phone_verified: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="the channel vouched for the phone (a shared contact, the WhatsApp number)",
    )
    email: Mapped[str | None] = mapped_column(String(254))
    kibbutz: Mapped[str | None] = mapped_column(
        String(48), index=True, doc="slug of the catalogue's kibbutz (models.kibbutzim)"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )

    def profile(self) -> dict[str, Any]:
        """The person's answers that flows reuse instead of asking again."""
        return {
            "region": self.region,
            "background": self.background,
            "life_stage": self.life_stage,
            "age_band": self.age_band,
            "settlement": self.settlement,
            "interests": list(self.interests or []),
        }


class ChannelIdentity(Base):
    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64), doc="chat id or whatsapp:+972…")
    display_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[IdentityStatus] = mapped_column(String(16), default=IdentityStatus.ACTIVE)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="identities", lazy="joined")

    def seen(self, now: datetime, display_name: str | None) -> None:
        """Note an inbound message: the person is reachable again, and when they last wrote."""
        # Assigning an unchanged value still makes the row dirty and costs the flush its work.
        if self.last_inbound_at is None or now - self.last_inbound_at >= SEEN_PRECISION:
            self.last_inbound_at = now
        if self.status != IdentityStatus.ACTIVE:
            self.status = IdentityStatus.ACTIVE
        if display_name and display_name != self.display_name:
            self.display_name = display_name


SEEN_PRECISION = timedelta(minutes=1)
"""last_inbound_at is kept to the minute: a burst of messages costs no extra writes, and the
WhatsApp 24-hour window measured from it errs on the early, safe side."""


async def identify(
    session: AsyncSession,
    channel: Channel,
    address: str,
    display_name: str | None,
    now: datetime,
) -> ChannelIdentity:
    """Find or create the identity (and its person) behind an inbound message, marking it seen."""
    identity = await _identity_at(session, channel, address)
    identity.seen(now, display_name)
    await session.flush()
    return identity


async def _identity_at(session: AsyncSession, channel: Channel, address: str) -> ChannelIdentity:
    """The identity at this address, or a new one with a new person (added, not flushed)."""
    identity = await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.address == address
        )
    )
    if identity is None:
        person = Person(interests=[], roles=[])
        identity = ChannelIdentity(person=person, channel=channel, address=address)
        session.add(identity)
    return identity


async def person_at(
    session: AsyncSession,
    *,
    telegram_id: str | None = None,
    phone: str | None = None,
    console_user: str | None = None,
) -> Person:
    """The person behind a Telegram chat id, a console user or an E.164 phone, created if we
    have not met them yet: a coordinator may be appointed before they first write to the bot."""
    if telegram_id is not None or console_user is not None:
        channel, address = (
            (Channel.TELEGRAM, telegram_id)
            if telegram_id is not None
            else (Channel.CONSOLE, f"console:{console_user}")
        )
        identity = await _identity_at(session, channel, address)
        await session.flush()
        return identity.person
    if phone is None:
        raise ValueError("a Telegram id, a console user or a phone is needed")
    person = await session.scalar(
        select(Person)
        .outerjoin(ChannelIdentity)
        .where(or_(Person.phone == phone, ChannelIdentity.address == f"whatsapp:{phone}"))
        .limit(1)
    )
    if person is None:
        # The operator naming them vouches for the number.
        person = Person(phone=phone, phone_verified=True, interests=[], roles=[])
        session.add(person)
        await session.flush()
    return person


async def mark_blocked(
    session: AsyncSession,
    channel: Channel,
    address: str,
    status: IdentityStatus = IdentityStatus.BLOCKED,
) -> None:
    """The platform says this person blocked us (or cannot be reached at this address): send
    them nothing until they write again."""
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.address == address)
        .values(status=status)
    )


class PhoneTaken(Exception):
    """An unverified phone (typed, not shared) that another person already has: joining them
    on a typed number would hand a stranger their registrations, data and roles."""


def owns_phone(identity: ChannelIdentity, phone: str) -> bool:
    """Whether the channel itself vouches for the phone: a WhatsApp number writes from it."""
    return identity.channel == Channel.WHATSAPP and identity.address == f"whatsapp:{phone}"


async def phone_taken(session: AsyncSession, identity: ChannelIdentity, phone: str) -> bool:
    """Whether attaching this unverified phone would raise PhoneTaken."""
    owner = await session.scalar(select(Person).where(Person.phone == phone))
    return _refused(identity, owner, verified=owns_phone(identity, phone))


def _refused(identity: ChannelIdentity, owner: Person | None, *, verified: bool) -> bool:
    """Someone else has the phone and nothing proves it is this identity's."""
    return owner is not None and owner.id != identity.person_id and not verified


async def attach_phone(
    session: AsyncSession, identity: ChannelIdentity, phone: str, *, verified: bool
) -> Person:
    """Give the identity's person this (E.164) phone. A phone the channel vouches for
    (`verified`: shared with the contact button, or the WhatsApp number itself) that another
    person has verified too joins the two — one person, several channels; one that another
    person merely typed is taken from them. An unverified phone someone else has: PhoneTaken."""
    verified = verified or owns_phone(identity, phone)
    owner = await session.scalar(select(Person).where(Person.phone == phone))
    if _refused(identity, owner, verified=verified):
        raise PhoneTaken(phone)
    person = identity.person
    if owner is not None and owner.id != person.id:
        if owner.phone_verified:
            await _join(session, identity, owner)
            return owner
        owner.phone = None  # a typed claim yields to a proven one
        await session.flush()
    person.phone_verified = verified or (person.phone == phone and person.phone_verified)
    person.phone = phone
    await session.flush()
    return person


async def _join(session: AsyncSession, identity: ChannelIdentity, owner: Person) -> None:
    """Move the identity, and what its person had, to the owner of the same verified phone."""
    source = identity.person
    _merge_profile(source, owner)
    identity.person = owner
    await session.flush()
    await _move_records(session, source.id, owner.id)
    await session.refresh(source, ["identities"])
    if not source.identities:
        await _forget(session, source)
    await session.flush()


async def _move_records(session: AsyncSession, source_id: int, target_id: int) -> None:
    """Hand the source's registrations, leads, subscriptions and consent trail to the target,
    except where the target already has its own for the same event, track or topic."""
    await _reassign(session, Registration, Registration.event_id, source_id, target_id)
    await _reassign(session, Lead, Lead.track_id, source_id, target_id)
    await _reassign(session, Subscription, Subscription.topic_id, source_id, target_id)
    await session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.person_id == source_id)
        .values(person_id=target_id)
        .execution_options(synchronize_session=False)
    )


async def _reassign(
    session: AsyncSession,
    model: type[Registration | Lead | Subscription],
    key: InstrumentedAttribute[int],
    source_id: int,
    target_id: int,
) -> None:
    theirs = select(key).where(model.person_id == target_id)
    await session.execute(
        update(model)
        .where(model.person_id == source_id, key.not_in(theirs))
        .values(person_id=target_id)
        .execution_options(synchronize_session=False)
    )


async def _forget(session: AsyncSession, person: Person) -> None:
    """Delete a person left without identities; a seat it still holds twice over (the target
    registered for the same event) goes back to the event."""
    doubled = and_(
        Registration.person_id == person.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    await session.execute(
        update(Event)
        .where(Event.id.in_(select(Registration.event_id).where(doubled)))
        .values(taken=Event.taken - 1)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Registration)
        .where(doubled)
        .values(status=RegistrationStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(Lead).where(Lead.person_id == person.id))
    await session.delete(person)


def _merge_profile(source: Person, target: Person) -> None:
    """Keep what the target already knows; fill its gaps from the source."""
    for column in (
        "name",
        "locale",
        "region",
        "home",
        "background",
        "life_stage",
        "age_band",
        "settlement",
        "email",
        "kibbutz",
    ):
        if getattr(target, column) is None:
            setattr(target, column, getattr(source, column))
    target.interests = sorted({*(target.interests or []), *(source.interests or [])})
    target.roles = sorted({*(target.roles or []), *(source.roles or [])})
