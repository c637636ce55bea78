"""A phone number shared with the "share my phone" button while no question is waiting for it."""

from __future__ import annotations

from handlers.core.context import Ctx
from handlers.core.menu import main_menu
from handlers.core.router import Router
from handlers.core.types import Reply
from models.people import attach_phone
from models.phones import to_e164

router = Router("contact")


@router.shared_contact
async def save_shared_phone(ctx: Ctx) -> list[Reply]:
    """Keep the shared phone, joining the person it already belongs to on another channel."""
    phone = to_e164(ctx.incoming.contact_phone or "")
    if phone is None:
        return [Reply(ctx.t("contact.bad_phone")), main_menu(ctx)]
    # The platform vouches for a shared contact (Telegram: the sender's own card).
    person = await attach_phone(ctx.session, ctx.identity, phone, verified=True)
    if person.locale:
        ctx.set_locale(person.locale)  # the person we joined may already speak another language
    return [main_menu(ctx, "contact.saved")]
