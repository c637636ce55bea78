"""Bulletin topics: subscribe with explicit, recorded consent; stop per topic or all at once.

/subscribe, TopicPick, a poster's link → CONSENT for that topic (unless already subscribed)
CONSENT  ConsentAgree   → subscribed (flow ends)
CONSENT  ConsentDecline → the menu (flow ends)
CONSENT  typed text     → the consent question again
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.menu import MenuChoice, main_menu
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from models.catalog import Topic, TopicKind
from models.localized import localized
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    active_topics,
    open_topics,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)

router = Router("subscriptions")


class SubscriptionStep(StrEnum):
    """CONSENT: the consent question for one topic is on screen; typed text there re-asks it."""

    CONSENT = "subscriptions.consent"


OLD_CONSENT = "newsletter.consent"
"""Where versions before December 2026 kept the consent question."""


@dataclass(frozen=True)
class Consenting(FlowData):
    """The topic whose consent question is on screen."""

    topic: int = 0


@dataclass(frozen=True)
class TopicPick(CallbackData, prefix="np"):
    topic_id: int


@dataclass(frozen=True)
class ConsentAgree(CallbackData, prefix="na"):
    topic_id: int
    wording: str
    """The consent wording version shown; a button under older wording is stale."""


@dataclass(frozen=True)
class ConsentDecline(CallbackData, prefix="nn"):
    topic_id: int


@dataclass(frozen=True)
class TopicStop(CallbackData, prefix="ns"):
    topic_id: int


@dataclass(frozen=True)
class StopAll(CallbackData, prefix="nx"):
    pass


@router.command("subscribe", menu=True)
async def topics(ctx: Ctx) -> list[Reply]:
    """List the bulletins and regional news with a button to join or stop each."""
    ctx.end()
    mine = {topic.id for topic in await active_topics(ctx.session, ctx.person.id)}
    # Track updates are followed from each track's card; here only the ones already followed.
    shown = [
        topic
        for topic in await open_topics(ctx.session)
        if topic.kind != TopicKind.TRACK or topic.id in mine
    ]
    if not shown:
        return [Reply(ctx.t("subscriptions.no_topics")), main_menu(ctx)]
    lines = [ctx.t("subscriptions.topics")]
    rows: list[list[Button]] = []
    for topic in shown:
        title = _title(ctx, topic)
        description = localized(topic.content, "description", ctx.locale)
        lines.append(f"{'✅' if topic.id in mine else '▫️'} {title} — {description}")
        if topic.id in mine:
            label, payload = ctx.t("subscriptions.stop", topic=title), TopicStop(topic.id).pack()
        else:
            label, payload = ctx.t("subscriptions.join", topic=title), TopicPick(topic.id).pack()
        rows.append([Button(label, payload)])
    if mine:
        rows.append([Button(ctx.t("subscriptions.stop_all"), StopAll().pack())])
    return [Reply("\n\n".join(lines), buttons=rows)]


@router.callback(TopicPick)
async def pick(ctx: Ctx, choice: TopicPick) -> list[Reply]:
    """Ask for explicit consent to the chosen topic."""
    return await offer(ctx, await _topic(ctx, choice.topic_id))


async def offer(ctx: Ctx, topic: Topic) -> list[Reply]:
    """The consent question for `topic`, unless the person already receives it."""
    title = _title(ctx, topic)
    if topic.id in {t.id for t in await active_topics(ctx.session, ctx.person.id)}:
        ctx.end()
        stop = Button(ctx.t("subscriptions.stop", topic=title), TopicStop(topic.id).pack())
        return [Reply(ctx.t("subscriptions.already", topic=title), buttons=[[stop]])]
    ctx.goto(SubscriptionStep.CONSENT, Consenting(topic.id))
    return [_consent(ctx, topic)]


@router.callback(ConsentAgree)
async def agree(ctx: Ctx, choice: ConsentAgree) -> list[Reply]:
    """Record the consent and start the subscription; say what comes and how to stop it."""
    topic = await _topic(ctx, choice.topic_id)
    if choice.wording != CONSENT_WORDING_VERSION:
        raise Stale(choice.wording)
    ctx.end()
    title = _title(ctx, topic)
    stop = [[Button(ctx.t("subscriptions.stop", topic=title), TopicStop(topic.id).pack())]]
    if not await subscribe(ctx.session, ctx.person.id, topic.id, ctx.incoming.channel, ctx.now):
        return [Reply(ctx.t("subscriptions.already", topic=title), buttons=stop)]
    description = localized(topic.content, "description", ctx.locale)
    text = ctx.t("subscriptions.subscribed", topic=title, description=description)
    return [Reply(text, buttons=stop)]


@router.callback(ConsentDecline)
async def decline(ctx: Ctx, _: ConsentDecline) -> list[Reply]:
    """No consent, no subscription; back to the menu."""
    ctx.end()
    return [main_menu(ctx, "subscriptions.declined")]


@router.renamed_step(OLD_CONSENT)
def resumed(_: Ctx) -> SubscriptionStep:
    """A consent question saved under its old name is the same question."""
    return SubscriptionStep.CONSENT


@router.step(SubscriptionStep.CONSENT)
async def typed(ctx: Ctx) -> list[Reply]:
    """Typed text at the consent question: only the buttons count as an answer, so ask again."""
    again = await ask_again(ctx)
    return again if ctx.state.step is None else [Reply(ctx.t("subscriptions.use_buttons")), *again]


@router.reask(SubscriptionStep.CONSENT)
async def ask_again(ctx: Ctx) -> list[Reply]:
    """The consent question again; a topic closed meanwhile ends the flow."""
    topic = await ctx.session.get(Topic, ctx.flow(Consenting).topic)
    if topic is None or not topic.active:
        ctx.end()
        return [Reply(ctx.t("error.stale_button")), main_menu(ctx)]
    return [_consent(ctx, topic)]


@router.command("unsubscribe")
async def unsubscribe_menu(ctx: Ctx) -> list[Reply]:
    """Offer to stop each topic the person receives, or all of them."""
    ctx.end()
    mine = await active_topics(ctx.session, ctx.person.id)
    if not mine:
        topics_button = Button(ctx.t("menu.subscribe"), MenuChoice("subscribe").pack())
        return [Reply(ctx.t("subscriptions.none_active"), buttons=[[topics_button]])]
    rows = [
        [Button(ctx.t("subscriptions.stop", topic=_title(ctx, t)), TopicStop(t.id).pack())]
        for t in mine
    ]
    rows.append([Button(ctx.t("subscriptions.stop_all"), StopAll().pack())])
    return [Reply(ctx.t("subscriptions.choose_stop"), buttons=rows)]


@router.callback(TopicStop)
async def stop(ctx: Ctx, choice: TopicStop) -> list[Reply]:
    """Stop one topic and record the withdrawal."""
    topic = await ctx.session.get(Topic, choice.topic_id)
    if topic is None:
        raise Stale(choice.topic_id)
    ctx.end()
    title = _title(ctx, topic)
    if not await unsubscribe(ctx.session, ctx.person.id, topic.id, ctx.incoming.channel, ctx.now):
        return [Reply(ctx.t("subscriptions.not_subscribed", topic=title))]
    return [Reply(ctx.t("subscriptions.stopped", topic=title))]


@router.callback(StopAll)
async def stop_all(ctx: Ctx, _: StopAll) -> list[Reply]:
    """Stop every topic at once, as the opt-out keyword does."""
    ctx.end()
    count = await unsubscribe_all(ctx.session, ctx.person.id, ctx.incoming.channel, ctx.now)
    if not count:
        return [Reply(ctx.t("subscriptions.none_active"))]
    return [Reply(ctx.t("subscriptions.stopped_all", count=count))]


async def _topic(ctx: Ctx, topic_id: int) -> Topic:
    """An open topic, or Stale for one deleted or closed since the button was shown."""
    topic = await ctx.session.get(Topic, topic_id)
    if topic is None or not topic.active:
        raise Stale(topic_id)
    return topic


def _title(ctx: Ctx, topic: Topic) -> str:
    return localized(topic.content, "title", ctx.locale)


def _consent(ctx: Ctx, topic: Topic) -> Reply:
    text = ctx.t(
        "subscriptions.consent_text",
        topic=_title(ctx, topic),
        description=localized(topic.content, "description", ctx.locale),
    )
    agree = ConsentAgree(topic.id, CONSENT_WORDING_VERSION).pack()
    buttons = [
        [Button(ctx.t("subscriptions.agree"), agree)],
        [Button(ctx.t("subscriptions.decline"), ConsentDecline(topic.id).pack())],
    ]
    return Reply(text, buttons=buttons)
