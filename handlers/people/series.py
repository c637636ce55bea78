"""How a series reads to the people in it: its sessions on the card, the next one in /my."""

from __future__ import annotations

from handlers.core.context import Ctx
from locales.dates import format_span, local
from models.catalog import Event
from models.sessions import SessionStatus, next_session, sessions_of


async def next_when(ctx: Ctx, event: Event) -> str:
    """When the event is, or — for a series — its next session and how many are left."""
    meeting = await next_session(ctx.session, event.id, ctx.now)
    if meeting is None:
        return format_span(event.starts_at, event.ends_at, ctx.locale, ctx.config.timezone)
    span = format_span(meeting.starts_at, meeting.ends_at, ctx.locale, ctx.config.timezone)
    return ctx.t("series.next", when=span)


async def session_lines(ctx: Ctx, event: Event) -> list[str]:
    """A series' meetings in one line each for the card (none for a single event)."""
    meetings = await sessions_of(ctx.session, event.id)
    if not meetings:
        return []
    lines = [ctx.t("series.card", count=sum(m.status == SessionStatus.SCHEDULED for m in meetings))]
    for meeting in meetings:
        day = f"{local(meeting.starts_at, ctx.config.timezone):%d.%m.%Y %H:%M}"
        key = (
            "series.card_cancelled"
            if meeting.status == SessionStatus.CANCELLED
            else "series.card_line"
        )
        lines.append(ctx.t(key, when=day))
    return lines
