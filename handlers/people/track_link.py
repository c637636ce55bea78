"""`/start tr_<slug>`: a public track page's "I'm interested" link, opening the track's card,
whose first button leaves the lead."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core.context import Ctx
from handlers.core.menu import MenuChoice
from handlers.core.router import Router
from handlers.core.types import Button, Reply
from handlers.people.tracks import TrackOpen, card
from models.catalog import Track

router = Router("track_link")

TRACK_LINK = "tr_"


@router.deep_link(TRACK_LINK)
async def open_track(ctx: Ctx, slug: str) -> list[Reply]:
    """Show the linked track's card; a retired or unknown one offers the track list instead."""
    track = await ctx.session.scalar(select(Track).where(Track.slug == slug, Track.active))
    if track is None:
        button = Button(ctx.t("tracks.other_tracks"), MenuChoice("tracks").pack())
        return [Reply(ctx.t("track_link.not_found"), buttons=[[button]])]
    return await card(ctx, TrackOpen(track.id))
