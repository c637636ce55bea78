"""Composing a broadcast: the Hebrew text, an optional English one, an optional link, and one
optional photo; then the audience (broadcast_pick) and the preview (broadcast_preview), from
which either text or the photo can be changed without starting over.

    COMPOSE --text--> ENGLISH --text | NoEnglish--> LINK --link | NoLink--> AUDIENCE
    COMPOSE, ENGLISH, LINK --photo--> the same step (its caption, if any, read as its text)
    preview --Act.EDIT--> COMPOSE --text--> preview (the draft updated, audience kept)
    preview --Act.EDIT_EN--> ENGLISH --text | NoEnglish--> preview
    preview --Act.IMAGE--> IMAGE --photo | NoImage--> preview
"""

from __future__ import annotations

import re
from dataclasses import replace

from handlers.coordinators.broadcast_flow import (
    MAX_TEXT,
    BroadcastStep,
    Drafting,
    NoEnglish,
    NoImage,
    NoLink,
)
from handlers.coordinators.broadcast_image import IMAGE_LIMIT, MB, take_image
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
    ctx.goto(BroadcastStep.COMPOSE, Drafting())
    return [_ask_text(ctx)]


async def edit(ctx: Ctx, draft: Broadcast, step: BroadcastStep) -> list[Reply]:
    """Ask for the Hebrew or the English text, or the photo, again, keeping the draft and its
    audience."""
    ctx.end()
    ctx.goto(step, Drafting(draft.text, draft.text_en, draft.link, draft.image, editing=draft.id))
    if step == BroadcastStep.IMAGE:
        return [_ask_image(ctx, draft.image is not None)]
    if step == BroadcastStep.ENGLISH:
        return [_ask_english(ctx)]
    return [Reply(ctx.t("broadcast.ask_edit", limit=MAX_TEXT))]


@coordinator.reask(
    BroadcastStep.COMPOSE, BroadcastStep.ENGLISH, BroadcastStep.LINK, BroadcastStep.IMAGE
)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the text, the English text, the link or the photo again (after a change of
    language)."""
    return [_ask(ctx)]


def _ask(ctx: Ctx) -> Reply:
    """The question of the step the flow waits at."""
    step = ctx.state.step
    if step == BroadcastStep.LINK:
        return _ask_link(ctx)
    if step == BroadcastStep.ENGLISH:
        return _ask_english(ctx)
    if step == BroadcastStep.IMAGE:
        return _ask_image(ctx, ctx.flow(Drafting).image is not None)
    return _ask_text(ctx)


def _ask_text(ctx: Ctx) -> Reply:
    return Reply(ctx.t("broadcast.ask_text", limit=MAX_TEXT, image=IMAGE_LIMIT // MB))


def _typed(ctx: Ctx) -> str | Reply:
    """The typed text (or a photo's caption) if it can be a broadcast, else what to answer."""
    if len(ctx.text) > MAX_TEXT:
        return Reply(ctx.t("broadcast.too_long", length=len(ctx.text), limit=MAX_TEXT))
    return ctx.text or _ask_text(ctx)


async def _photo(ctx: Ctx) -> list[Reply] | None:
    """Keep a photo sent at this step as the broadcast's image (its caption goes on as the
    step's text); None when nothing more is to be said, else the answer."""
    if not ctx.incoming.media:
        return None
    token = await take_image(ctx)
    if isinstance(token, Reply):
        return [token, _ask(ctx)]
    data = replace(ctx.flow(Drafting), image=token)
    ctx.goto(BroadcastStep(ctx.state.step or BroadcastStep.COMPOSE), data)
    if ctx.text:
        return None
    return [Reply(ctx.t("broadcast.image.kept")), _ask(ctx)]


@coordinator.step(BroadcastStep.COMPOSE, files=True)
async def compose(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep the Hebrew text if it fits, then ask for an English one."""
    if answer := await _photo(ctx):
        return answer
    text = _typed(ctx)
    if isinstance(text, Reply):
        return [text]
    data = ctx.flow(Drafting)
    if data.editing:
        return await _edited(ctx, replace(data, text=text))
    ctx.goto(BroadcastStep.ENGLISH, replace(data, text=text))
    return [_ask_english(ctx)]


def _ask_english(ctx: Ctx) -> Reply:
    return Reply(
        ctx.t("broadcast.ask_english", limit=MAX_TEXT),
        buttons=[[Button(ctx.t("broadcast.no_english"), NoEnglish().pack())]],
    )


@coordinator.step(BroadcastStep.ENGLISH, files=True)
async def english(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep the English text, then ask for an optional link."""
    if answer := await _photo(ctx):
        return answer
    text = _typed(ctx)
    if isinstance(text, Reply):
        return [text, _ask_english(ctx)]
    return await _english_given(ctx, text)


@coordinator.callback(NoEnglish, step=BroadcastStep.ENGLISH)
async def no_english(ctx: Ctx, authority: Authority, choice: NoEnglish) -> list[Reply]:
    """Hebrew only: English readers get the Hebrew text."""
    return await _english_given(ctx, None)


async def _english_given(ctx: Ctx, text: str | None) -> list[Reply]:
    data = replace(ctx.flow(Drafting), text_en=text)
    if data.text is None:
        raise Stale("no draft")
    if data.editing:
        return await _edited(ctx, data)
    ctx.goto(BroadcastStep.LINK, data)
    return [_ask_link(ctx)]


async def _edited(ctx: Ctx, data: Drafting) -> list[Reply]:
    """Put the texts and the photo on the draft and preview it again."""
    draft = await ctx.session.get(Broadcast, data.editing or 0)
    if draft is None or draft.author_id != ctx.person.id or draft.status != BroadcastStatus.DRAFT:
        ctx.end()
        raise Stale("no draft")
    draft.text, draft.text_en, draft.image = data.text or draft.text, data.text_en, data.image
    ctx.goto(BroadcastStep.AUDIENCE, replace(data, editing=None))
    return await preview(ctx, draft)


def _ask_link(ctx: Ctx, error: str | None = None) -> Reply:
    text = ctx.t("broadcast.ask_link")
    return Reply(
        f"{error}\n{text}" if error else text,
        buttons=[[Button(ctx.t("broadcast.no_link"), NoLink().pack())]],
    )


@coordinator.step(BroadcastStep.LINK, files=True)
async def link(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep a well-formed link and go on to the audience."""
    if answer := await _photo(ctx):
        return answer
    url = ctx.text
    if len(url) > MAX_LINK or not LINK.match(url):
        return [_ask_link(ctx, ctx.t("broadcast.bad_link"))]
    return _to_audience(ctx, url)


@coordinator.callback(NoLink, step=BroadcastStep.LINK)
async def no_link(ctx: Ctx, authority: Authority, choice: NoLink) -> list[Reply]:
    """Go on to the audience without a link."""
    return _to_audience(ctx, None)


def _to_audience(ctx: Ctx, url: str | None) -> list[Reply]:
    data = ctx.flow(Drafting)
    if data.text is None:
        raise Stale("no draft")
    ctx.goto(BroadcastStep.AUDIENCE, replace(data, link=url))
    return [kinds(ctx)]


def _ask_image(ctx: Ctx, has_one: bool) -> Reply:
    text = ctx.t("broadcast.ask_image", limit=IMAGE_LIMIT // MB)
    remove = [[Button(ctx.t("broadcast.no_image"), NoImage().pack())]]
    return Reply(text, buttons=remove if has_one else [])


@coordinator.step(BroadcastStep.IMAGE, files=True)
async def image(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Put the photo sent on the draft (instead of its photo) and preview it again."""
    if not ctx.incoming.media:
        return [Reply(ctx.t("broadcast.image.send_photo")), _ask(ctx)]
    token = await take_image(ctx)
    if isinstance(token, Reply):
        return [token, _ask(ctx)]
    return await _edited(ctx, replace(ctx.flow(Drafting), image=token))


@coordinator.callback(NoImage, step=BroadcastStep.IMAGE)
async def no_image(ctx: Ctx, authority: Authority, choice: NoImage) -> list[Reply]:
    """Take the photo off the draft and preview it again."""
    return await _edited(ctx, replace(ctx.flow(Drafting), image=None))
