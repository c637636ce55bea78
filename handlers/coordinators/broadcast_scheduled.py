"""`/broadcast list`: the broadcasts that have not gone out yet (waiting for their time or for
a second coordinator), each with its audience, its count and a button to cancel it; and under
/admin, for national coordinators, the others' broadcasts awaiting their approval."""

from __future__ import annotations

from sqlalchemy import select

from handlers.coordinators.broadcast_flow import Act, BroadcastAct, BroadcastReview
from handlers.coordinators.broadcast_image import image_of
from handlers.coordinators.broadcast_message import describe
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.types import Button, Reply
from locales.dates import format_date_time
from models.broadcast_audience import count_recipients
from models.broadcasts import Broadcast, BroadcastStatus
from models.roles import Authority

coordinator = CoordinatorRouter("broadcast_scheduled")

WAITING = (BroadcastStatus.AWAITING_APPROVAL, BroadcastStatus.APPROVED)
LISTED = 10
"""The soonest shown; more than this waiting at once is not how broadcasts are used."""
SAMPLE = 40
"""Characters of a broadcast's text shown in the list."""


async def waiting(ctx: Ctx, authority: Authority) -> list[Broadcast]:
    """Broadcasts not yet planned: a national coordinator sees everyone's, others their own."""
    query = select(Broadcast).where(
        Broadcast.status.in_(WAITING),
        (Broadcast.send_at.is_(None) & (Broadcast.status == BroadcastStatus.AWAITING_APPROVAL))
        | (Broadcast.send_at > ctx.now),
    )
    if not authority.national:
        query = query.where(Broadcast.author_id == ctx.person.id)
    found = await ctx.session.scalars(query.order_by(Broadcast.send_at, Broadcast.id).limit(LISTED))
    return list(found.all())


async def scheduled(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Each waiting broadcast: when, to whom, how many, and a cancel button."""
    found = await waiting(ctx, authority)
    if not found:
        return [Reply(ctx.t("broadcast.none_waiting"))]
    lines, buttons = [ctx.t("broadcast.waiting_title")], []
    for n, broadcast in enumerate(found, start=1):
        when = (
            format_date_time(broadcast.send_at, ctx.locale, ctx.config.timezone)
            if broadcast.send_at
            else ctx.t("broadcast.when_approved")
        )
        status = ctx.t(f"broadcast.status.{broadcast.status}")
        lines.append(
            ctx.t(
                "broadcast.waiting_line",
                n=n,
                when=when,
                status=status,
                audience=await describe(ctx.session, ctx.t, broadcast),
                count=await count_recipients(ctx.session, broadcast),
                text=broadcast.text[:SAMPLE],
            )
        )
        stop = BroadcastAct(broadcast.id, Act.STOP).pack()
        buttons.append([Button(ctx.t("broadcast.cancel_n", n=n), stop)])
    return [Reply("\n\n".join(lines), buttons=buttons)]


@coordinator.panel
async def pending_approvals(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Others' broadcasts awaiting a second national coordinator (with their photo), with
    approve and reject."""
    if not authority.national:
        return []
    found = await ctx.session.scalars(
        select(Broadcast)
        .where(
            Broadcast.status == BroadcastStatus.AWAITING_APPROVAL,
            Broadcast.author_id != ctx.person.id,
        )
        .order_by(Broadcast.id)
        .limit(LISTED)
    )
    replies = []
    for broadcast in found:
        text = ctx.t(
            "broadcast.pending",
            audience=await describe(ctx.session, ctx.t, broadcast),
            count=await count_recipients(ctx.session, broadcast),
            text=broadcast.text[:SAMPLE],
        )
        buttons = [
            [Button(ctx.t("broadcast.review.approve"), BroadcastReview(broadcast.id, True).pack())],
            [Button(ctx.t("broadcast.review.reject"), BroadcastReview(broadcast.id, False).pack())],
        ]
        image = await image_of(ctx.session, broadcast.image, ctx.now, loaded=True)
        replies.append(Reply(text, buttons=buttons, attachments=[image] if image else []))
    return replies
