"""Composing a broadcast: the text, an optional link, the audience, then a preview with the exact
recipient count and the message as it will look in each language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from handlers.coordinators.broadcast_choices import choices, topic_in_reach
from handlers.coordinators.broadcast_message import describe, message
from handlers.coordinators.coordinator import CoordinatorRouter, require_event, require_reach
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from locales import SUPPORTED_LOCALES
from models.broadcast_audience import count_recipients, reach_of, recipients
from models.broadcasts import AudienceKind, Broadcast, BroadcastStatus
from models.catalog import Event, Topic
from models.roles import Authority
from models.whatsapp_reach import beyond_tier

coordinator = CoordinatorRouter("broadcast_compose")

MAX_TEXT = 3500
"""Leaves room for the link and the opt-out line within Telegram's 4,096 characters."""
MAX_LINK = 500
LINK = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)
"""Only https: the message says so, and a plain-http link would be flagged by the apps."""
SLUG = re.compile(r"^[a-z0-9_-]{1,40}$")


class BroadcastStep(StrEnum):
    """COMPOSE (the text) → LINK (a link, or the no-link button) → AUDIENCE (buttons only:
    the kind, its value, then the preview of a DRAFT broadcast)."""

    COMPOSE = "broadcast.compose"
    LINK = "broadcast.link"
    AUDIENCE = "broadcast.audience"


class Act(StrEnum):
    """What the preview's and the progress message's buttons do to a broadcast."""

    SEND = "send"
    DISCARD = "discard"
    STOP = "stop"


@dataclass(frozen=True)
class NoLink(CallbackData, prefix="bcl"):
    pass


@dataclass(frozen=True)
class AudienceMenu(CallbackData, prefix="bcm"):
    """Show the values of one kind of audience; no kind lists the kinds."""

    kind: str | None = None


@dataclass(frozen=True)
class AudienceChoice(CallbackData, prefix="bcv"):
    kind: str
    value: str | None = None


@dataclass(frozen=True)
class BroadcastAct(CallbackData, prefix="bcx"):
    broadcast_id: int
    act: Act


async def start(ctx: Ctx) -> list[Reply]:
    """Ask for the text of a new broadcast."""
    ctx.end()
    ctx.goto(BroadcastStep.COMPOSE)
    return [Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))]


@coordinator.reask(*BroadcastStep)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the text, the link or the audience again (after a change of language)."""
    if ctx.state.step == BroadcastStep.AUDIENCE:
        return [await _kinds(ctx)]
    if ctx.state.step == BroadcastStep.LINK:
        return [_ask_link(ctx)]
    return [Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))]


@coordinator.step(BroadcastStep.COMPOSE)
async def compose(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep the text if it fits, then ask for an optional link."""
    text = ctx.text
    if ctx.incoming.media:
        return [Reply(ctx.t("broadcast.text_only"))]
    if len(text) > MAX_TEXT:
        return [Reply(ctx.t("broadcast.too_long", length=len(text), limit=MAX_TEXT))]
    if not text:
        return [Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))]
    ctx.goto(BroadcastStep.LINK, text=text)
    return [_ask_link(ctx)]


def _ask_link(ctx: Ctx, error: str | None = None) -> Reply:
    text = ctx.t("broadcast.ask_link")
    return Reply(
        f"{error}\n{text}" if error else text,
        buttons=[[Button(ctx.t("broadcast.no_link"), NoLink().pack())]],
    )


@coordinator.step(BroadcastStep.LINK)
async def link(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep a well-formed link and go on to the audience."""
    url = ctx.text
    if len(url) > MAX_LINK or not LINK.match(url):
        return [_ask_link(ctx, ctx.t("broadcast.bad_link"))]
    ctx.goto(BroadcastStep.AUDIENCE, link=url)
    return [await _kinds(ctx)]


@coordinator.callback(NoLink, step=BroadcastStep.LINK)
async def no_link(ctx: Ctx, authority: Authority, choice: NoLink) -> list[Reply]:
    """Go on to the audience without a link."""
    if "text" not in ctx.data:
        raise Stale("no draft")
    ctx.goto(BroadcastStep.AUDIENCE, link=None)
    return [await _kinds(ctx)]


@coordinator.step(BroadcastStep.AUDIENCE)
async def typed_at_audience(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The audience is chosen with buttons: say so and offer them again."""
    return [Reply(ctx.t("broadcast.use_buttons")), await _kinds(ctx)]


async def _kinds(ctx: Ctx) -> Reply:
    buttons = [
        [Button(ctx.t(f"broadcast.kind.{kind}"), AudienceMenu(kind).pack())]
        for kind in AudienceKind
    ]
    return Reply(ctx.t("broadcast.ask_audience"), buttons=buttons)


@coordinator.callback(AudienceMenu, step=BroadcastStep.AUDIENCE)
async def audience_menu(ctx: Ctx, authority: Authority, choice: AudienceMenu) -> list[Reply]:
    """List the kinds of audience, or the values of one kind within the coordinator's reach."""
    if choice.kind is None:
        return [await _kinds(ctx)]
    try:
        kind = AudienceKind(choice.kind)
    except ValueError as exc:
        raise Stale(choice.kind) from exc
    if kind == AudienceKind.EVERYONE:
        return await chosen(ctx, authority, AudienceChoice(kind))
    buttons = [
        [Button(label, packed)]
        for value, label in await choices(ctx, authority, kind)
        if (packed := _packed(AudienceChoice(kind, value)))
    ]
    buttons.append([Button(ctx.t("broadcast.back"), AudienceMenu().pack())])
    key = "broadcast.pick" if len(buttons) > 1 else "broadcast.pick_none"
    return [Reply(ctx.t(key, kind=ctx.t(f"broadcast.kind.{kind}")), buttons=buttons)]


def _packed(data: CallbackData) -> str | None:
    """The payload, or None for a value too long for a button (a role slug, say)."""
    try:
        return data.pack()
    except ValueError:
        return None


@coordinator.callback(AudienceChoice, step=BroadcastStep.AUDIENCE)
async def chosen(ctx: Ctx, authority: Authority, choice: AudienceChoice) -> list[Reply]:
    """Check the audience is within reach, save the draft and preview it."""
    if "text" not in ctx.data:
        raise Stale("no draft")
    try:
        kind = AudienceKind(choice.kind)
    except ValueError as exc:
        raise Stale(choice.kind) from exc
    value = choice.value
    target = f"{kind}:{value or ''}"
    if kind == AudienceKind.REGION:
        await require_reach(ctx, authority, "broadcast.audience", target, region=value)
    elif kind == AudienceKind.TRACK:
        await require_reach(ctx, authority, "broadcast.audience", target, track=value)
    elif kind.transactional:
        event = await ctx.session.get(Event, int(value)) if value and value.isdigit() else None
        if event is None:
            raise Stale(target)
        await require_event(ctx, authority, "broadcast.audience", event)
    elif kind == AudienceKind.TOPIC:
        topic = await ctx.session.get(Topic, int(value or 0)) if (value or "").isdigit() else None
        if topic is None:
            raise Stale(target)
        if not await topic_in_reach(ctx, authority, topic):
            await require_reach(ctx, authority, "broadcast.audience", target, region=topic.region)
    elif kind == AudienceKind.ROLE and not SLUG.match(value or ""):
        raise Stale(target)
    draft = Broadcast(
        author_id=ctx.person.id,
        author_identity_id=ctx.identity.id,
        text=str(ctx.data["text"]),
        link=ctx.data.get("link"),
        audience={"kind": kind.value, "value": value},
        reach=reach_of(authority),
        status=BroadcastStatus.DRAFT,
        created_at=ctx.now,
    )
    ctx.session.add(draft)
    await ctx.session.flush()
    return await preview(ctx, draft)


def _note(draft: Broadcast) -> str:
    """Why the count may be smaller than the coordinator expects."""
    if draft.kind.transactional:
        return "transactional"
    return "marketing" if draft.reach is None else "regional"


async def preview(ctx: Ctx, draft: Broadcast) -> list[Reply]:
    """The exact recipient count and the message in every language, with send and discard."""
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
    buttons = (
        [[Button(ctx.t("broadcast.send", count=count), BroadcastAct(draft.id, Act.SEND).pack())]]
        if count
        else []
    )
    buttons += [
        [Button(ctx.t("broadcast.change_audience"), AudienceMenu().pack())],
        [Button(ctx.t("broadcast.discard"), BroadcastAct(draft.id, Act.DISCARD).pack())],
    ]
    samples = [
        Reply(ctx.t(f"broadcast.sample.{locale}") + "\n\n" + message(locale, draft).text)
        for locale in SUPPORTED_LOCALES
    ]
    samples[-1].buttons = buttons
    return [Reply(summary), *samples]
