"""Waiting-list offers: the proactive message with accept / decline, the answers, the expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx, EngineConfig
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply, TemplateKind, TemplateUse, reply_to_payload
from handlers.people.events import EventList, card, title
from handlers.people.ticket import ticket
from locales import Translator, reply_locale
from locales.dates import format_date_time
from models.audience import reachable_identity
from models.catalog import Event
from models.localized import localized
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Person
from models.registration_service import AcceptResult, accept, decline, expire_due_offers
from models.registrations import Registration
from models.seats import offer_key, release_stranded

router = Router("waitlist")


@dataclass(frozen=True)
class OfferAnswer(CallbackData, prefix="wlo"):
    registration_id: int
    accept: bool


@dataclass(frozen=True)
class OfferNotices:
    """The ledger's announcer (models.seats.Announce): the offer message with accept / decline,
    to the person's reachable identity, in their language."""

    config: EngineConfig

    async def __call__(self, session: AsyncSession, offer: Registration, now: datetime) -> None:
        """Queue the offer message for `offer`."""
        event = await session.get(Event, offer.event_id)
        if offer.person_id is None or event is None or offer.offer_expires_at is None:
            return
        found = (
            await session.execute(
                select(reachable_identity(Person.id), Person.locale).where(
                    Person.id == offer.person_id
                )
            )
        ).first()
        if found is None or found[0] is None:
            return
        identity_id, locale = found
        t = Translator(reply_locale(locale, self.config.default_locale))
        name = localized(event.content, "title", t.locale)
        expires = format_date_time(offer.offer_expires_at, t.locale, self.config.timezone)
        text = t("waitlist.offer", title=name, expires=expires)
        template = TemplateUse(TemplateKind.OFFER, (name, expires))
        buttons = [
            [
                Button(t("waitlist.accept"), OfferAnswer(offer.id, True).pack()),
                Button(t("waitlist.decline"), OfferAnswer(offer.id, False).pack()),
            ]
        ]
        await enqueue(
            session,
            to_one(identity_id, offer_key(offer.id)),
            OutboxKind.WAITLIST_OFFER,
            reply_to_payload(Reply(text, buttons=buttons, template=template)),
            priority=Priority.NOTICE,
            not_before=now,
        )


async def expire_offers(session: AsyncSession, now: datetime, config: EngineConfig) -> int:
    """Expire lapsed offers and send each seat on to the next in line, and any seat left free
    while people wait; returns offers made."""
    offers = OfferNotices(config)
    return await expire_due_offers(session, now, offers) + await release_stranded(
        session, now, offers
    )


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
        if not await decline(ctx.session, registration, ctx.now, OfferNotices(ctx.config)):
            return [Reply(ctx.t("waitlist.not_offered")), await card(ctx, event)]
        return [Reply(ctx.t("waitlist.declined", title=title(ctx, event)), buttons=back)]
    result = await accept(ctx.session, registration, ctx.now)
    if result is AcceptResult.CONFIRMED:
        return await ticket(ctx, event, registration, back)
    if result is AcceptResult.EXPIRED:
        await expire_offers(ctx.session, ctx.now, ctx.config)
        return [Reply(ctx.t("waitlist.expired")), await card(ctx, event)]
    return [Reply(ctx.t("waitlist.not_offered")), await card(ctx, event)]
