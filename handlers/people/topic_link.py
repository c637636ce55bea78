"""`/start tp_<slug>`: a poster's link straight to a topic's consent question."""

from __future__ import annotations

from sqlalchemy import select

from handlers.coordinators.posters import TOPIC_LINK
from handlers.core.commands import LanguageChoice
from handlers.core.context import Ctx
from handlers.core.menu import language_button
from handlers.core.router import Router
from handlers.core.types import Reply
from handlers.people.subscriptions import offer, topics
from models.catalog import Topic

router = Router("topic_link")


@router.deep_link(TOPIC_LINK)
async def open_topic(ctx: Ctx, slug: str) -> list[Reply]:
    """Ask for consent to the linked topic; a closed or unknown one shows all topics instead."""
    topic = await ctx.session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None or not topic.active:
        return [Reply(ctx.t("topic_link.not_found")), *await topics(ctx)]
    replies = await offer(ctx, topic)
    replies[-1].buttons.append([language_button(ctx, LanguageChoice)])
    return replies
