"""A broadcast's preview: the exact recipient count, the message as each language's readers will
get it (with its photo), and what can be done from there (send now or later, edit either text,
add, change or remove the photo, change the audience, discard)."""

from __future__ import annotations

from handlers.coordinators.broadcast_flow import Act, AudienceMenu, BroadcastAct
from handlers.coordinators.broadcast_image import image_of
from handlers.coordinators.broadcast_message import describe, message
from handlers.core.context import Ctx
from handlers.core.types import Button, Reply
from locales import SUPPORTED_LOCALES
from models.audience_kinds import KINDS
from models.broadcast_audience import count_recipients, recipients
from models.broadcasts import Broadcast
from models.whatsapp_reach import beyond_tier


def _note(draft: Broadcast) -> str:
    """Why the count may be smaller than the coordinator expects."""
    return KINDS[draft.kind].note or ("marketing" if draft.reach is None else "regional")


async def preview(ctx: Ctx, draft: Broadcast) -> list[Reply]:
    """The exact recipient count and the message in every language, with what to do next."""
    count = await count_recipients(ctx.session, draft)
    summary = ctx.t(
        "broadcast.preview",
        audience=await describe(ctx.session, ctx.t, draft),
        count=count,
        note=ctx.t(f"broadcast.note.{_note(draft)}"),
    )
    if ctx.config.whatsapp_tier is not None:
        tier = ctx.config.whatsapp_tier
        audience = recipients(draft, ctx.session.get_bind().dialect.name)
        if waiting := await beyond_tier(ctx.session, audience, ctx.now, tier):
            summary = summary.replace(
                "\n\n", "\n" + ctx.t.n("broadcast.tier_wait", waiting) + "\n\n", 1
            )

    def act(key: str, what: Act, **values: object) -> list[Button]:
        return [Button(ctx.t(key, **values), BroadcastAct(draft.id, what).pack())]

    buttons = [act("broadcast.send", Act.SEND, count=count), act("broadcast.later", Act.LATER)]
    buttons = buttons if count else []
    buttons += [
        act("broadcast.edit", Act.EDIT),
        act("broadcast.edit_en", Act.EDIT_EN),
        act("broadcast.change_image" if draft.image else "broadcast.add_image", Act.IMAGE),
        [Button(ctx.t("broadcast.change_audience"), AudienceMenu().pack())],
        act("broadcast.discard", Act.DISCARD),
    ]
    image = await image_of(ctx.session, draft.image, ctx.now, loaded=True)
    samples = []
    for locale in SUPPORTED_LOCALES:
        sample = message(locale, draft, image)
        sample.text = ctx.t(f"broadcast.sample.{locale}") + "\n\n" + sample.text
        sample.buttons = []
        samples.append(sample)
    samples[-1].buttons = buttons
    return [Reply(summary), *samples]
