"""Scheduling a bulletin for a typed date, listing what is about to go out, cancelling in time.

(preview) BulletinWhen → WHEN
WHEN  a future date and time → scheduled (flow ends); anything else → asked again
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from handlers.coordinators.bulletins import (
    BulletinCancel,
    BulletinStep,
    BulletinUpcoming,
    BulletinWhen,
    Composing,
    bulletin_in_reach,
    topic_title,
)
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.types import Button, Reply
from handlers.inputs.date_input import Problem, read_moment
from locales.dates import format_date_time, local
from models.audit import audit
from models.bulletin_service import cancel, schedule, upcoming
from models.bulletins import BulletinStatus
from models.localized import localized
from models.roles import Authority

coordinator = CoordinatorRouter("bulletin_schedule")

LABEL_TITLE = 32
"""Characters of a bulletin's title shown on its cancel button."""


def example(ctx: Ctx) -> str:
    """Tomorrow at nine, typed the way we ask for it."""
    tomorrow = local(ctx.now + timedelta(days=1), ctx.config.timezone)
    return f"{tomorrow:%d/%m/%Y} 09:00"


@coordinator.callback(BulletinWhen)
async def ask_when(ctx: Ctx, authority: Authority, choice: BulletinWhen) -> list[Reply]:
    """Ask when to publish the draft."""
    found = await bulletin_in_reach(ctx, authority, choice.bulletin_id, "bulletin.schedule")
    if found is None or found[0].status != BulletinStatus.DRAFT:
        return [Reply(ctx.t("bulletins.too_late"))]
    ctx.goto(BulletinStep.WHEN, replace(ctx.flow(Composing), bulletin_id=choice.bulletin_id))
    return [Reply(ctx.t("bulletins.ask_when", example=example(ctx)))]


@coordinator.reask(BulletinStep.WHEN)
async def ask_when_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask when to publish again (after a change of language)."""
    return [Reply(ctx.t("bulletins.ask_when", example=example(ctx)))]


@coordinator.step(BulletinStep.WHEN)
async def got_when(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Schedule the draft for the typed date and time, which must be in the future."""
    bulletin_id = ctx.flow(Composing).bulletin_id
    found = await bulletin_in_reach(ctx, authority, bulletin_id, "bulletin.schedule")
    if found is None or found[0].status != BulletinStatus.DRAFT:
        ctx.end()
        return [Reply(ctx.t("bulletins.too_late"))]
    at = read_moment(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(at, Problem):
        problem = ctx.t(at.key, **at.values)
        return [Reply(ctx.t("bulletins.bad_when", problem=problem, example=example(ctx)))]
    when = format_date_time(at, ctx.locale, ctx.config.timezone)
    if at <= ctx.now:
        return [Reply(ctx.t("bulletins.past_when", when=when, example=example(ctx)))]
    ctx.end()
    if not await schedule(ctx.session, bulletin_id, at):
        return [Reply(ctx.t("bulletins.too_late"))]
    await audit(
        ctx.session,
        authority.person_id,
        "bulletin.schedule",
        f"bulletin:{bulletin_id}",
        topic=found[1].slug,
        publish_at=at.isoformat(),
    )
    upcoming = Button(ctx.t("bulletins.upcoming"), BulletinUpcoming().pack())
    text = ctx.t("bulletins.scheduled", when=when, topic=topic_title(ctx, found[1]))
    return [Reply(text, buttons=[[upcoming]])]


@coordinator.callback(BulletinUpcoming)
async def scheduled(ctx: Ctx, authority: Authority, _: BulletinUpcoming) -> list[Reply]:
    """List the scheduled bulletins within reach, soonest first, each with a cancel button."""
    ctx.end()
    listed = await upcoming(ctx.session, authority)
    if not listed:
        return [Reply(ctx.t("bulletins.upcoming_none"))]
    lines = [ctx.t("bulletins.upcoming_title")]
    buttons = []
    for bulletin, topic in listed:
        title = localized(bulletin.content, "title", ctx.locale)
        assert bulletin.publish_at is not None  # every SCHEDULED bulletin has its time
        when = format_date_time(bulletin.publish_at, ctx.locale, ctx.config.timezone)
        lines.append(
            ctx.t("bulletins.upcoming_line", when=when, topic=topic_title(ctx, topic), title=title)
        )
        label = ctx.t("bulletins.cancel_one", title=title[:LABEL_TITLE])
        buttons.append([Button(label, BulletinCancel(bulletin.id).pack())])
    return [Reply("\n".join(lines), buttons=buttons)]


@coordinator.callback(BulletinCancel)
async def cancel_bulletin(ctx: Ctx, authority: Authority, choice: BulletinCancel) -> list[Reply]:
    """Cancel a draft or a scheduled bulletin, unless it has already gone out."""
    found = await bulletin_in_reach(ctx, authority, choice.bulletin_id, "bulletin.cancel")
    if found is None:
        return [Reply(ctx.t("bulletins.too_late"))]
    bulletin, topic = found
    was = bulletin.status
    if not await cancel(ctx.session, bulletin.id):
        return [Reply(ctx.t("bulletins.too_late"))]
    ctx.end()
    await audit(
        ctx.session,
        authority.person_id,
        "bulletin.cancel",
        f"bulletin:{bulletin.id}",
        topic=topic.slug,
        was=str(was),
    )
    title = localized(bulletin.content, "title", ctx.locale)
    key = "bulletins.discarded" if was == BulletinStatus.DRAFT else "bulletins.cancelled"
    return [Reply(ctx.t(key, title=title))]
