"""Waiting-list offers: the proactive message with accept / decline, the answers, the expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.callback import CallbackData
from handlers.context import Ctx
from handlers.events import EventList, card, title
from handlers.router import Stale, router
from handlers.ticket import ticket
from handlers.types import Button, Reply, TemplateKind, TemplateUse, reply_to_payload
from locales import DEFAULT_LOCALE, Translator
from locales.dates import format_date_time
from models.catalog import Event
from models.localized import localized
from models.outbox import OutboxMessage, OutboxStatus, Priority
from models.people import ChannelIdentity, IdentityStatus
from models.registration_service import (
    WAITING,
    AcceptResult,
    accept,
    cancel,
    decline,
    expire_due_offers,
)
from models.registration_service import waitlist_position as position_of
from models.registrations import Registration


@dataclass(frozen=True)
class OfferAnswer(CallbackData, prefix="wlo"):
    registration_id: int
    accept: bool


def offer_key(registration_id: int) -> str:
    """The dedupe key of the offer message for a registration: one row, reused by re-offers."""
    return f"offer:{registration_id}"


async def announce_offer(session: AsyncSession, registration: Registration, now: datetime) -> None:
    """Queue the offer message to the person's most recently active identity, in their language."""
    if registration.person_id is None:
        return
    identity = await session.scalar(
        select(ChannelIdentity)
        .where(ChannelIdentity.person_id == registration.person_id)
        .order_by(
            (ChannelIdentity.status == IdentityStatus.ACTIVE).desc(),
            ChannelIdentity.last_inbound_at.desc().nulls_last(),
            ChannelIdentity.id.desc(),
        )
        .limit(1)
    )
    event = await session.get(Event, registration.event_id)
    if identity is None or event is None or registration.offer_expires_at is None:
        return
    t = Translator(identity.person.locale or DEFAULT_LOCALE)
    name = localized(event.content, "title", t.locale)
    expires = format_date_time(registration.offer_expires_at, t.locale)
    text = t("waitlist.offer", title=name, expires=expires)
    buttons = [
        [
            Button(t("waitlist.accept"), OfferAnswer(registration.id, True).pack()),
            Button(t("waitlist.decline"), OfferAnswer(registration.id, False).pack()),
        ]
    ]
    key = offer_key(registration.id)
    message = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    if message is None:
        message = OutboxMessage(dedupe_key=key)
        session.add(message)
    # A re-offer (after a seat was lost in a race) reuses the row its dedupe key reserves.
    message.identity_id = identity.id
    message.kind = "waitlist_offer"
    message.priority = Priority.NOTICE
    template = TemplateUse(TemplateKind.OFFER, (name, expires))
    message.payload = reply_to_payload(Reply(text, buttons=buttons, template=template))
    message.status = OutboxStatus.PENDING
    message.not_before = now
    message.attempts = 0
    await session.flush()


async def leave_waiting_lists(session: AsyncSession, person_id: int, now: datetime) -> None:
    """Withdraw a person from every queue they stand in, passing any seat offered to them on,
    so nobody who left us is ever offered a seat."""
    waiting = await session.scalars(
        select(Registration).where(
            Registration.person_id == person_id, Registration.status.in_(WAITING)
        )
    )
    for registration in waiting.all():
        following = await cancel(session, registration, now)
        if following is not None:
            await announce_offer(session, following, now)


async def expire_offers(session: AsyncSession, now: datetime) -> int:
    """Expire lapsed offers and send each seat on to the next in line; returns offers made."""
    offers = await expire_due_offers(session, now)
    for offer in offers:
        await announce_offer(session, offer, now)
    return len(offers)


@router.callback(OfferAnswer)
async def answer(ctx: Ctx, choice: OfferAnswer) -> list[Reply]:
    """Take or give up the offered seat."""
    registration = await ctx.session.get(Registration, choice.registration_id)
    if registration is None or registration.person_id != ctx.person.id:
        raise Stale(choice.registration_id)
    event = await ctx.session.get(Event, registration.event_id)
    if event is None:
        raise Stale(choice.registration_id)
    back = [[Button(ctx.t("events.back"), EventList().pack())]]
    if not choice.accept:
        following = await decline(ctx.session, registration, ctx.now)
        if following is not None:
            await announce_offer(ctx.session, following, ctx.now)
        return [Reply(ctx.t("waitlist.declined", title=title(ctx, event)), buttons=back)]
    result = await accept(ctx.session, registration, ctx.now)
    if result is AcceptResult.CONFIRMED:
        return await ticket(ctx, event, registration, back)
    if result is AcceptResult.EXPIRED:
        await expire_offers(ctx.session, ctx.now)
        return [Reply(ctx.t("waitlist.expired")), await card(ctx, event)]
    if result is AcceptResult.FULL:
        position = await position_of(ctx.session, registration)
        return [Reply(ctx.t("waitlist.lost", position=position), buttons=back)]
    return [Reply(ctx.t("waitlist.not_offered")), await card(ctx, event)]
