"""/bulletin: choose a topic, write in Hebrew (and English), preview, send now (or schedule).

/bulletin → the topics; BulletinTopic → HEBREW
HEBREW   a text                        → ENGLISH (the draft is saved)
ENGLISH  a text, or BulletinPreview    → the preview (its buttons; no step)
(preview) BulletinSend → sent (ends); BulletinWhen → WHEN (bulletin_schedule.py);
          BulletinAudience → narrowed by role, kibbutz, stream, region (bulletin_audience.py)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from handlers.coordinators.bulletin_message import bulletin_message
from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from locales import SUPPORTED_LOCALES
from models.audit import audit
from models.bulletin_audience import NARROWED, count_readers
from models.bulletin_service import (
    add_translation,
    schedule,
    start_draft,
    topic_track,
    topics_in_reach,
)
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from models.localized import localized
from models.roles import Authority

coordinator = CoordinatorRouter("bulletins")

MAX_TEXT = 3500
"""Leaves room for the topic line and the opt-out line within one Telegram message (4096)."""


class BulletinStep(StrEnum):
    """Composing: HEBREW (text for the chosen topic; a DRAFT is saved) → ENGLISH (optional,
    or skipped by button) → preview with buttons → WHEN (a typed date, after "schedule")."""

    HEBREW = "bulletins.hebrew"
    ENGLISH = "bulletins.english"
    WHEN = "bulletins.when"


@dataclass(frozen=True)
class Composing(FlowData):
    """The topic written to, then the draft saved from the Hebrew text."""

    topic_id: int = 0
    bulletin_id: int = 0


@dataclass(frozen=True)
class BulletinTopic(CallbackData, prefix="but"):
    topic_id: int


@dataclass(frozen=True)
class BulletinPreview(CallbackData, prefix="buv"):
    bulletin_id: int


@dataclass(frozen=True)
class BulletinSend(CallbackData, prefix="bus"):
    bulletin_id: int


@dataclass(frozen=True)
class BulletinWhen(CallbackData, prefix="buw"):
    bulletin_id: int


@dataclass(frozen=True)
class BulletinCancel(CallbackData, prefix="bux"):
    bulletin_id: int


@dataclass(frozen=True)
class BulletinUpcoming(CallbackData, prefix="bul"):
    pass


@dataclass(frozen=True)
class BulletinAudience(CallbackData, prefix="bua"):
    """Show the draft's audience with a button per filter."""

    bulletin_id: int


@dataclass(frozen=True)
class BulletinFilter(CallbackData, prefix="buf"):
    """List one filter's values (no value), set one, or drop the filter (the value "-")."""

    bulletin_id: int
    name: str
    value: str | None = None
    page: int = 0


def topic_title(ctx: Ctx, topic: Topic) -> str:
    return localized(topic.content, "title", ctx.locale)


async def require_topic(ctx: Ctx, authority: Authority, action: str, topic: Topic) -> None:
    """Refuse (audited) a topic outside a regional coordinator's regions and tracks."""
    track = await topic_track(ctx.session, topic)
    await require_reach(
        ctx, authority, action, f"topic:{topic.slug}", region=topic.region, track=track
    )


async def bulletin_in_reach(
    ctx: Ctx, authority: Authority, bulletin_id: int, action: str
) -> tuple[Bulletin, Topic] | None:
    """The bulletin and its topic, checked against the coordinator's reach; None if gone."""
    bulletin = await ctx.session.get(Bulletin, bulletin_id)
    topic = await ctx.session.get(Topic, bulletin.topic_id) if bulletin else None
    if bulletin is None or topic is None:
        return None
    await require_topic(ctx, authority, action, topic)
    return bulletin, topic


@coordinator.command("bulletin")
async def choose_topic(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Offer the topics this coordinator may publish to, and the scheduled bulletins."""
    ctx.end()
    topics = await topics_in_reach(ctx.session, authority)
    upcoming = [Button(ctx.t("bulletins.upcoming"), BulletinUpcoming().pack())]
    if not topics:
        return [Reply(ctx.t("bulletins.no_topics"), buttons=[upcoming])]
    buttons = [[Button(topic_title(ctx, t), BulletinTopic(t.id).pack())] for t in topics]
    return [Reply(ctx.t("bulletins.choose_topic"), buttons=[*buttons, upcoming])]


@coordinator.callback(BulletinTopic)
async def topic_chosen(ctx: Ctx, authority: Authority, choice: BulletinTopic) -> list[Reply]:
    """Ask for the Hebrew text of a bulletin to the chosen topic."""
    topic = await ctx.session.get(Topic, choice.topic_id)
    if topic is None or not topic.active:
        raise Stale(choice.topic_id)
    await require_topic(ctx, authority, "bulletin.compose", topic)
    ctx.end()
    ctx.goto(BulletinStep.HEBREW, Composing(topic_id=topic.id))
    return [Reply(ctx.t("bulletins.ask_hebrew", topic=topic_title(ctx, topic), limit=MAX_TEXT))]


def bulletin_text(ctx: Ctx) -> str | None:
    """The typed text when it has words and fits one message, else None."""
    text = ctx.text
    if not any(ch.isalpha() for ch in text) or len(text) > MAX_TEXT:
        return None
    return text


def bad_text(ctx: Ctx, buttons: list[list[Button]] | None = None) -> list[Reply]:
    text = ctx.t("bulletins.bad_text", limit=MAX_TEXT, length=len(ctx.text))
    return [Reply(text, buttons=buttons or [])]


def skip_english(ctx: Ctx, bulletin_id: int) -> list[list[Button]]:
    return [[Button(ctx.t("bulletins.skip_english"), BulletinPreview(bulletin_id).pack())]]


@coordinator.reask(BulletinStep.HEBREW, BulletinStep.ENGLISH)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the Hebrew or the English text again (after a change of language)."""
    data = ctx.flow(Composing)
    if ctx.state.step == BulletinStep.ENGLISH:
        text = ctx.t("bulletins.ask_english", limit=MAX_TEXT)
        return [Reply(text, buttons=skip_english(ctx, data.bulletin_id))]
    topic = await ctx.session.get(Topic, data.topic_id)
    if topic is None:
        ctx.end()
        return [Reply(ctx.t("bulletins.gone"))]
    return [Reply(ctx.t("bulletins.ask_hebrew", topic=topic_title(ctx, topic), limit=MAX_TEXT))]


@coordinator.step(BulletinStep.HEBREW)
async def got_hebrew(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Save the Hebrew text as a draft and ask for an optional English version."""
    data = ctx.flow(Composing)
    topic = await ctx.session.get(Topic, data.topic_id)
    if topic is None:
        ctx.end()
        return [Reply(ctx.t("bulletins.gone"))]
    await require_topic(ctx, authority, "bulletin.compose", topic)
    text = bulletin_text(ctx)
    if text is None:
        return bad_text(ctx)
    bulletin = await start_draft(ctx.session, topic, authority.person_id, text, ctx.now)
    await audit(ctx.session, authority.person_id, "bulletin.draft", f"bulletin:{bulletin.id}")
    ctx.goto(BulletinStep.ENGLISH, replace(data, bulletin_id=bulletin.id))
    text = ctx.t("bulletins.ask_english", limit=MAX_TEXT)
    return [Reply(text, buttons=skip_english(ctx, bulletin.id))]


@coordinator.step(BulletinStep.ENGLISH)
async def got_english(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Add the English version to the draft, then show the preview."""
    bulletin_id = ctx.flow(Composing).bulletin_id
    found = await bulletin_in_reach(ctx, authority, bulletin_id, "bulletin.edit")
    if found is None or found[0].status != BulletinStatus.DRAFT:
        ctx.end()
        return [Reply(ctx.t("bulletins.too_late"))]
    text = bulletin_text(ctx)
    if text is None:
        return bad_text(ctx, skip_english(ctx, found[0].id))
    add_translation(found[0], "en", text)
    return await preview(ctx, *found)


@coordinator.callback(BulletinPreview)
async def without_english(ctx: Ctx, authority: Authority, choice: BulletinPreview) -> list[Reply]:
    """Preview the draft as it stands, Hebrew only."""
    found = await bulletin_in_reach(ctx, authority, choice.bulletin_id, "bulletin.edit")
    if found is None or found[0].status != BulletinStatus.DRAFT:
        raise Stale(choice.bulletin_id)
    return await preview(ctx, *found)


async def preview(ctx: Ctx, bulletin: Bulletin, topic: Topic) -> list[Reply]:
    """The bulletin exactly as subscribers get it in each language, their number, and what next."""
    ctx.end()
    readers = await count_readers(ctx.session, topic.id, bulletin.audience)
    summary = ctx.t.n("bulletins.preview", readers, topic=topic_title(ctx, topic))
    if bulletin.audience:
        narrowed = await NARROWED.name(ctx.session, ctx.t, bulletin.audience)
        summary += "\n" + ctx.t("bulletins.narrowed", audience=narrowed)
    replies = [Reply(summary)]
    for locale in SUPPORTED_LOCALES:
        message = bulletin_message(bulletin, topic, locale)
        shown = [ctx.t("bulletins.preview_button", label=b.label) for b in message.options()]
        replies.append(Reply("\n".join([message.text, *shown])))
    actions = [
        [Button(ctx.t.n("bulletins.send_now", readers), BulletinSend(bulletin.id).pack())],
        [Button(ctx.t("bulletins.schedule"), BulletinWhen(bulletin.id).pack())],
        [Button(ctx.t("bulletins.narrow"), BulletinAudience(bulletin.id).pack())],
        [Button(ctx.t("bulletins.discard"), BulletinCancel(bulletin.id).pack())],
    ]
    replies.append(Reply(ctx.t("bulletins.what_next"), buttons=actions))
    return replies


@coordinator.callback(BulletinSend)
async def send_now(ctx: Ctx, authority: Authority, choice: BulletinSend) -> list[Reply]:
    """Hand the draft to the scheduler for publishing at once."""
    found = await bulletin_in_reach(ctx, authority, choice.bulletin_id, "bulletin.publish")
    if found is None or not await schedule(ctx.session, choice.bulletin_id, ctx.now):
        return [Reply(ctx.t("bulletins.too_late"))]
    readers = await count_readers(ctx.session, found[1].id, found[0].audience)
    await audit(
        ctx.session,
        authority.person_id,
        "bulletin.publish",
        f"bulletin:{choice.bulletin_id}",
        topic=found[1].slug,
        audience=found[0].audience,
        readers=readers,
    )
    return [Reply(ctx.t.n("bulletins.sending", readers))]
