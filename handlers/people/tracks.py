"""A track's card and what can be done from it: leave a lead (handlers.people.lead), ask the
team, see its events, follow its news."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.menu import MenuChoice
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.ask import ask_button
from handlers.people.subscriptions import offer
from locales.dates import format_date_time
from models.catalog import Topic, TopicKind, Track
from models.discovery import upcoming_events
from models.localized import localized

router = Router("tracks")


@dataclass(frozen=True)
class TrackOpen(CallbackData, prefix="tk"):
    track_id: int


@dataclass(frozen=True)
class TrackInterest(CallbackData, prefix="ti"):
    track_id: int


@dataclass(frozen=True)
class TrackEvents(CallbackData, prefix="te"):
    track_id: int


@dataclass(frozen=True)
class TrackFollow(CallbackData, prefix="tf"):
    track_id: int


@router.callback(TrackOpen)
async def card(ctx: Ctx, choice: TrackOpen) -> list[Reply]:
    """Show the track's details and contact, with its actions."""
    track = await active_track(ctx, choice.track_id)
    ctx.end()
    text = ctx.t(
        "tracks.card",
        title=localized(track.content, "title", ctx.locale),
        description=localized(track.content, "description", ctx.locale)
        or localized(track.content, "summary", ctx.locale),
    )
    if track.contact:
        text += "\n\n" + ctx.t("tracks.contact", contact=track.contact)
    return [Reply(text, buttons=track_actions(ctx, track))]


@router.callback(TrackEvents)
async def events(ctx: Ctx, choice: TrackEvents) -> list[Reply]:
    """List the track's upcoming events, each with the link that opens it."""
    track = await active_track(ctx, choice.track_id)
    title = localized(track.content, "title", ctx.locale)
    coming = await upcoming_events(ctx.session, track.id, ctx.now)
    buttons = [
        [Button(ctx.t("menu.events"), MenuChoice("events").pack())],
        [Button(ctx.t("tracks.follow"), TrackFollow(track.id).pack())],
        [Button(ctx.t("tracks.back", title=title), TrackOpen(track.id).pack())],
    ]
    if not coming:
        return [Reply(ctx.t("tracks.no_events", title=title), buttons=buttons)]
    lines = [ctx.t("tracks.events", title=title)]
    for event in coming:
        lines.append(
            ctx.t(
                "tracks.event_line",
                title=localized(event.content, "title", ctx.locale),
                when=format_date_time(event.starts_at, ctx.locale, ctx.config.timezone),
                link=f"/start ev_{event.slug}",
            )
        )
    return [Reply("\n\n".join(lines), buttons=buttons)]


@router.callback(TrackFollow)
async def follow(ctx: Ctx, choice: TrackFollow) -> list[Reply]:
    """Subscribe to the track's updates through the same consent question as any topic."""
    track = await active_track(ctx, choice.track_id)
    topic = await ctx.session.scalar(
        select(Topic)
        .where(Topic.kind == TopicKind.TRACK, Topic.track_id == track.id, Topic.active)
        .order_by(Topic.id)
        .limit(1)
    )
    if topic is None:
        title = localized(track.content, "title", ctx.locale)
        return [Reply(ctx.t("tracks.no_updates", title=title), buttons=track_actions(ctx, track))]
    return await offer(ctx, topic)


async def active_track(ctx: Ctx, track_id: int) -> Track:
    """An active track, or Stale for one removed or retired since the button was shown."""
    track = await ctx.session.get(Track, track_id)
    if track is None or not track.active:
        raise Stale(track_id)
    return track


def track_actions(ctx: Ctx, track: Track) -> list[list[Button]]:
    """A track card's buttons; "I'm interested" is handled by handlers.people.lead."""
    return [
        [Button(ctx.t("tracks.interest"), TrackInterest(track.id).pack())],
        [ask_button(ctx, "t", track.id)],
        [Button(ctx.t("tracks.see_events"), TrackEvents(track.id).pack())],
        [Button(ctx.t("tracks.follow"), TrackFollow(track.id).pack())],
        [Button(ctx.t("tracks.other_tracks"), MenuChoice("tracks").pack())],
    ]
