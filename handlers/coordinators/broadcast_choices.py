"""What a coordinator may pick as a broadcast's audience: topics, their regions, their tracks,
roles people hold, and the upcoming events they manage."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core.context import Ctx
from handlers.people.events import title, when
from models.broadcasts import AudienceKind
from models.bulletin_service import topic_track
from models.catalog import Event, EventStatus, Topic, Track
from models.discovery import option_label, questionnaire, regions
from models.localized import localized
from models.people import Person
from models.roles import Authority

EVENTS_SHOWN = 12


async def choices(ctx: Ctx, authority: Authority, kind: AudienceKind) -> list[tuple[str, str]]:
    """The choices of one kind of audience a coordinator may pick."""
    if kind == AudienceKind.TOPIC:
        topics = await ctx.session.scalars(select(Topic).where(Topic.active).order_by(Topic.id))
        return [
            (str(t.id), localized(t.content, "title", ctx.locale))
            for t in topics
            if await topic_in_reach(ctx, authority, t)
        ]
    if kind == AudienceKind.REGION:
        questions = await questionnaire(ctx.session)
        return [
            (value, option_label(questions, "region", value, ctx.locale))
            for value in await regions(ctx.session)
            if authority.covers(region=value)
        ]
    if kind == AudienceKind.TRACK:
        tracks = await ctx.session.scalars(select(Track).where(Track.active).order_by(Track.id))
        return [
            (t.slug, localized(t.content, "title", ctx.locale))
            for t in tracks
            if authority.covers(track=t.slug)
        ]
    if kind == AudienceKind.ROLE:
        held = await ctx.session.scalars(select(Person.roles).distinct())
        return [(role, role) for role in sorted({r for roles in held for r in roles or []})]
    events = await ctx.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > ctx.now)
        .order_by(Event.starts_at, Event.id)
    )
    mine = [e for e in events if await authority.covers_event(ctx.session, e)]
    return [(str(e.id), f"{title(ctx, e)} · {when(ctx, e)}") for e in mine[:EVENTS_SHOWN]]


async def topic_in_reach(ctx: Ctx, authority: Authority, topic: Topic) -> bool:
    """A region's news or a track's updates belong to that region or track; a general bulletin
    is anyone's (a regional coordinator's copy reaches only their own people anyway)."""
    track = await topic_track(ctx.session, topic)
    if topic.region is None and track is None:
        return True
    return authority.covers(region=topic.region, track=track)
