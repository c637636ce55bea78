"""A person's name, home and phone as they type or share them: one rule for every flow that
asks (registration, leaving a lead)."""

from __future__ import annotations

from handlers.core.context import Ctx
from handlers.core.types import Reply
from models.people import Channel, phone_taken
from models.phones import to_e164

MAX_NAME = 100
MAX_HOME = 100


def plain_text(ctx: Ctx, limit: int) -> str | None:
    """Typed text with at least one letter and at most `limit` characters, else None."""
    text = " ".join(ctx.text.split())
    if not text or len(text) > limit or not any(ch.isalpha() for ch in text):
        return None
    return text


def known_phone(ctx: Ctx) -> str | None:
    """The person's phone, or the one their WhatsApp number already tells us."""
    if ctx.person.phone:
        return ctx.person.phone
    if ctx.identity.channel == Channel.WHATSAPP:
        return to_e164(ctx.identity.address.removeprefix("whatsapp:"))
    return None


async def given_phone(ctx: Ctx) -> tuple[str, bool] | Reply:
    """The phone typed (any Israeli format) or shared, and whether it was shared (so verified);
    else the question again, saying why: not a phone, or someone else's typed number."""
    phone = to_e164(ctx.incoming.contact_phone or ctx.text[:40])
    if phone is None:
        return Reply(ctx.t("registration.bad_phone"), request_contact=True)
    shared = ctx.incoming.contact_phone is not None
    if not shared and await phone_taken(ctx.session, ctx.identity, phone):
        return Reply(ctx.t("registration.phone_taken"), request_contact=True)
    return phone, shared
