"""/qr: a coordinator picks an event or a topic within reach and gets a poster PNG whose QR codes
open it on Telegram and on WhatsApp."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.coordinators.posters import EVENT_LINK, TOPIC_LINK, BadPayload, links, payload, poster
from handlers.coordinators.registrations_admin import events_within_reach, managed_event
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.pages import navigation, page_of
from handlers.core.public_links import event_path, public_url, topic_path
from handlers.core.router import Stale
from handlers.core.types import Attachment, Button, Reply
from handlers.people.events import day, title
from models.audit import audit
from models.bulletin_service import topic_track
from models.catalog import EventStatus, Topic
from models.localized import localized
from models.roles import Authority

coordinator = CoordinatorRouter("qr")

PAGE_SIZE = 8


@dataclass(frozen=True)
class QrList(CallbackData, prefix="qrl"):
    """The events (`topics` false) or topics to choose a poster for, one page of them."""

    topics: bool = False
    page: int = 0


@dataclass(frozen=True)
class QrEvent(CallbackData, prefix="qre"):
    event_id: int


@dataclass(frozen=True)
class QrTopic(CallbackData, prefix="qrt"):
    topic_id: int


@coordinator.command("qr")
async def qr_command(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask whether the poster is for an event or a topic."""
    ctx.end()
    buttons = [
        [Button(ctx.t("qr.for_event"), QrList(topics=False).pack())],
        [Button(ctx.t("qr.for_topic"), QrList(topics=True).pack())],
    ]
    return [Reply(ctx.t("qr.choose"), buttons=buttons)]


@coordinator.callback(QrList)
async def choose(ctx: Ctx, authority: Authority, choice: QrList) -> list[Reply]:
    """One page of the upcoming events, or the open topics, within this coordinator's reach."""
    options: list[tuple[str, str]] = []
    if choice.topics:
        for topic in await ctx.session.scalars(
            select(Topic).where(Topic.active.is_(True)).order_by(Topic.id)
        ):
            if authority.covers(region=topic.region, track=await topic_track(ctx.session, topic)):
                label = localized(topic.content, "title", ctx.locale)
                options.append((label, QrTopic(topic.id).pack()))
    else:
        for event in await events_within_reach(ctx, authority):
            if event.status == EventStatus.PUBLISHED and event.starts_at > ctx.now:
                label = f"{title(ctx, event)} · {day(ctx, event)}"
                options.append((label, QrEvent(event.id).pack()))
    if not options:
        return [Reply(ctx.t("qr.nothing"))]
    page = page_of(options, choice.page, PAGE_SIZE)
    buttons = [[Button(label, data)] for label, data in page.items]
    if nav := navigation(ctx, page, lambda n: QrList(choice.topics, n)):
        buttons.append(nav)
    return [Reply(ctx.t("qr.pick"), buttons=buttons)]


@coordinator.callback(QrEvent)
async def event_poster(ctx: Ctx, authority: Authority, choice: QrEvent) -> list[Reply]:
    """The poster for an event within reach."""
    event = await managed_event(ctx, authority, "qr", choice.event_id)
    return await _poster(ctx, authority, EVENT_LINK, event.slug, title(ctx, event))


@coordinator.callback(QrTopic)
async def topic_poster(ctx: Ctx, authority: Authority, choice: QrTopic) -> list[Reply]:
    """The poster for a topic within reach."""
    topic = await ctx.session.get(Topic, choice.topic_id)
    if topic is None or not topic.active:
        raise Stale(choice.topic_id)
    await require_reach(
        ctx,
        authority,
        "qr",
        f"topic:{topic.slug}",
        region=topic.region,
        track=await topic_track(ctx.session, topic),
    )
    return await _poster(
        ctx, authority, TOPIC_LINK, topic.slug, localized(topic.content, "title", ctx.locale)
    )


async def _poster(ctx: Ctx, authority: Authority, prefix: str, slug: str, name: str) -> list[Reply]:
    """Draw the links of the configured channels, saying which channel is missing and why."""
    try:
        start = payload(prefix, slug)
    except BadPayload:
        return [Reply(ctx.t("qr.bad_slug", slug=slug))]
    found = links(ctx.config, start)
    if not found:
        return [Reply(ctx.t("qr.no_channels"))]
    lines = [ctx.t("qr.ready", title=name)]
    lines += [f"{link.channel}: {link.url}" for link in found]
    path = topic_path(slug) if prefix == TOPIC_LINK else event_path(slug)
    if page := public_url(ctx.config, path, ctx.locale):
        lines.append(ctx.t("public.poster.page", url=page))
    if not ctx.config.bot_username:
        lines.append(ctx.t("qr.no_telegram"))
    if len(found) == 1 and ctx.config.bot_username:
        lines.append(ctx.t("qr.no_whatsapp"))
    target = f"{'topic' if prefix == TOPIC_LINK else 'event'}:{slug}"
    await audit(
        ctx.session, authority.person_id, "qr", target, channels=[link.channel for link in found]
    )
    attachment = Attachment(f"qr-{start}.png", "image/png", poster(found))
    return [Reply("\n".join(lines), attachments=[attachment])]
