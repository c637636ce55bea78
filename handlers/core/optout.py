"""Opt-out keywords: in any language, in any state, they stop everything we send."""

from __future__ import annotations

from handlers.core.context import Ctx
from handlers.core.types import Reply
from models.subscriptions import unsubscribe_all

OPT_OUT_KEYWORDS = frozenset(
    {
        "הסר",
        "הסרה",
        "להסרה",
        "הסירו",
        "הסירו אותי",
        "stop",
        "stopall",
        "unsubscribe",
        "end",
        "quit",
    }
)


def is_opt_out(text: str) -> bool:
    return text.casefold().strip(" .!") in OPT_OUT_KEYWORDS


async def opt_out(ctx: Ctx) -> list[Reply]:
    """Unsubscribe from every topic, record the withdrawal and leave any flow in progress."""
    ctx.end()
    await unsubscribe_all(ctx.session, ctx.person.id, ctx.incoming.channel, ctx.now)
    return [Reply(ctx.t("optout.done"))]
