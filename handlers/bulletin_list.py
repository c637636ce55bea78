"""Scheduled bulletins: see what is about to go out, and cancel one before it does."""

from __future__ import annotations

from handlers import coordinator
from handlers.bulletins import (
    BulletinCancel,
    BulletinUpcoming,
    bulletin_in_reach,
    topic_title,
)
from handlers.context import Ctx
from handlers.types import Button, Reply
from locales.dates import format_date_time
from models.audit import audit
from models.bulletin_service import cancel, upcoming
from models.bulletins import BulletinStatus
from models.localized import localized
from models.roles import Authority

LABEL_TITLE = 32
"""Characters of a bulletin's title shown on its cancel button."""


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
