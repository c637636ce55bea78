"""Composing a broadcast: the Hebrew text, an optional English one, an optional link; then the
audience (broadcast_pick) and the preview (broadcast_preview), from which either text can be
edited without starting over.

    COMPOSE --text--> ENGLISH --text | NoEnglish--> LINK --link | NoLink--> AUDIENCE
    preview --Act.EDIT--> COMPOSE --text--> preview (the draft updated, audience kept)
    preview --Act.EDIT_EN--> ENGLISH --text | NoEnglish--> preview
"""

from __future__ import annotations

import re

from handlers.coordinators.broadcast_flow import MAX_TEXT, BroadcastStep, NoEnglish, NoLink
from handlers.coordinators.broadcast_pick import kinds
from handlers.coordinators.broadcast_preview import preview
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from models.broadcasts import Broadcast, BroadcastStatus
from models.roles import Authority

coordinator = CoordinatorRouter("broadcast_compose")

MAX_LINK = 500
LINK = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)
"""Only https: the message says so, and a plain-http link would be flagged by the apps."""


async def start(ctx: Ctx) -> list[Reply]:
    """Ask for the text of a new broadcast."""
    ctx.end()
    ctx.goto(BroadcastStep.COMPOSE)
    return [Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))]


async def edit(ctx: Ctx, draft: Broadcast, english: bool) -> list[Reply]:
    """Ask for the Hebrew or the English text again, keeping the draft and its audience."""
    ctx.end()
    ctx.goto(
        BroadcastStep.ENGLISH if english else BroadcastStep.COMPOSE,
        text=draft.text,
        text_en=draft.text_en,
        link=draft.link,
        editing=draft.id,
    )
    return [_ask_english(ctx) if english else Reply(ctx.t("broadcast.ask_edit", limit=MAX_TEXT))]


@coordinator.reask(BroadcastStep.COMPOSE, BroadcastStep.ENGLISH, BroadcastStep.LINK)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the text, the English text or the link again (after a change of language)."""
    if ctx.state.step == BroadcastStep.LINK:
        return [_ask_link(ctx)]
    if ctx.state.step == BroadcastStep.ENGLISH:
        return [_ask_english(ctx)]
    return [Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))]


def _typed(ctx: Ctx) -> str | Reply:
    """The typed text if it can be a broadcast, else what to answer."""
    if ctx.incoming.media:
        return Reply(ctx.t("broadcast.text_only"))
    if len(ctx.text) > MAX_TEXT:
        return Reply(ctx.t("broadcast.too_long", length=len(ctx.text), limit=MAX_TEXT))
    return ctx.text or Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT))


@coordinator.step(BroadcastStep.COMPOSE)
async def compose(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep the Hebrew text if it fits, then ask for an English one."""
    text = _typed(ctx)
    if isinstance(text, Reply):
        return [text]
    if ctx.data.get("editing"):
        return await _edited(ctx, authority, text=text)
    ctx.goto(BroadcastStep.ENGLISH, text=text)
    return [_ask_english(ctx)]


def _ask_english(ctx: Ctx) -> Reply:
    return Reply(
        ctx.t("broadcast.ask_english", limit=MAX_TEXT),
        buttons=[[Button(ctx.t("broadcast.no_english"), NoEnglish().pack())]],
    )


@coordinator.step(BroadcastStep.ENGLISH)
async def english(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep the English text, then ask for an optional link."""
    text = _typed(ctx)
    if isinstance(text, Reply):
        return [text, _ask_english(ctx)]
    return await _english_given(ctx, authority, text)


@coordinator.callback(NoEnglish, step=BroadcastStep.ENGLISH)
async def no_english(ctx: Ctx, authority: Authority, choice: NoEnglish) -> list[Reply]:
    """Hebrew only: English readers get the Hebrew text."""
    if "text" not in ctx.data:
        raise Stale("no draft")
    return await _english_given(ctx, authority, None)


async def _english_given(ctx: Ctx, authority: Authority, text: str | None) -> list[Reply]:
    if ctx.data.get("editing"):
        return await _edited(ctx, authority, text_en=text)
    ctx.goto(BroadcastStep.LINK, text_en=text)
    return [_ask_link(ctx)]


async def _edited(ctx: Ctx, authority: Authority, **texts: str | None) -> list[Reply]:
    """Put the new text on the draft and preview it again."""
    draft = await ctx.session.get(Broadcast, int(ctx.data["editing"]))
    if draft is None or draft.author_id != ctx.person.id or draft.status != BroadcastStatus.DRAFT:
        ctx.end()
        raise Stale("no draft")
    for name, value in texts.items():
        setattr(draft, name, value)
    ctx.goto(BroadcastStep.AUDIENCE, editing=None, **texts)
    return await preview(ctx, draft)


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
    return [kinds(ctx)]


@coordinator.callback(NoLink, step=BroadcastStep.LINK)
async def no_link(ctx: Ctx, authority: Authority, choice: NoLink) -> list[Reply]:
    """Go on to the audience without a link."""
    if "text" not in ctx.data:
        raise Stale("no draft")
    ctx.goto(BroadcastStep.AUDIENCE, link=None)
    return [kinds(ctx)]
