"""Editing one event's title, time, place or capacity from /manage_events, one free-text step
each. A new time or place is told to registrants (handlers.event_notices); the pending reminders
follow on the planner's next run. More seats are offered to the waiting list in order.
"""

from __future__ import annotations

from sqlalchemy import true, update

from handlers import coordinator, event_input
from handlers.context import Ctx
from handlers.event_input import Problem
from handlers.event_manage import Action, ManageStep, managed_event, overview
from handlers.event_notices import announce_change
from handlers.events import title
from handlers.roster import counts
from handlers.types import Reply
from handlers.waitlist import announce_offer
from models.audit import audit
from models.catalog import Event, EventStatus
from models.event_changes import Schedule
from models.registration_service import offer_next
from models.roles import Authority


async def _editing(ctx: Ctx, authority: Authority, action: Action) -> Event:
    """The event an edit step is about, checked again: the role may have changed meanwhile."""
    return await managed_event(ctx, authority, int(ctx.data["event_id"]), action)


async def _again(ctx: Ctx, problem: Problem) -> list[Reply]:
    """Say what was wrong and wait for another try at the same step."""
    return [Reply(ctx.t(problem.key, **problem.values))]


@coordinator.step(ManageStep.TITLE)
async def got_title(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Rename the event in the coordinator's language."""
    event = await _editing(ctx, authority, Action.TITLE)
    new = event_input.line(ctx.text, event_input.MAX_TITLE)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    before = title(ctx, event)
    content = {lang: dict(fields) for lang, fields in event.content.items()}
    content.setdefault(ctx.locale, {})["title"] = new
    event.content = content
    await audit(
        ctx.session,
        authority.person_id,
        "event.edit",
        f"event:{event.slug}",
        field="title",
        before=before,
        after=new,
    )
    ctx.end()
    return [await overview(ctx, event, ctx.t("manage_event.saved"))]


@coordinator.step(ManageStep.STARTS_AT)
async def got_start(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Move the event, keeping its length, and tell its registrants."""
    event = await _editing(ctx, authority, Action.STARTS_AT)
    new = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    before = Schedule.of(event)
    if event.ends_at is not None:
        event.ends_at = new + (event.ends_at - event.starts_at)
    event.starts_at = new
    return await _moved(ctx, authority, event, before, "starts_at", new.isoformat())


@coordinator.step(ManageStep.PLACE)
async def got_place(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Set the place in every language (a stale translation would mislead) and tell registrants."""
    event = await _editing(ctx, authority, Action.PLACE)
    new = event_input.line(ctx.text, event_input.MAX_PLACE)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    before = Schedule.of(event)
    event.content = {lang: {**fields, "place": new} for lang, fields in event.content.items()}
    return await _moved(ctx, authority, event, before, "place", new)


async def _moved(
    ctx: Ctx, authority: Authority, event: Event, before: Schedule, field: str, after: str
) -> list[Reply]:
    """Audit a change of time or place and queue the notices about it, if anything moved."""
    told = 0
    if event.status == EventStatus.PUBLISHED and before.moved(event):
        told = await announce_change(ctx.session, event, ctx.config, ctx.now)
    await audit(
        ctx.session,
        authority.person_id,
        "event.edit",
        f"event:{event.slug}",
        field=field,
        before={"starts_at": before.starts_at.isoformat(), "places": dict(before.places)},
        after=after,
        told=told,
    )
    ctx.end()
    return [await overview(ctx, event, ctx.t.n("manage_event.moved", told))]


@coordinator.step(ManageStep.CAPACITY)
async def got_capacity(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the new number of seats."""
    event = await _editing(ctx, authority, Action.CAPACITY)
    new = event_input.capacity(ctx.text)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    return [await _set_capacity(ctx, authority, event, new)]


async def _set_capacity(ctx: Ctx, authority: Authority, event: Event, new: int | None) -> Reply:
    """Change the seats without ever dropping below those taken, offering new ones in line."""
    before = event.capacity
    # Conditional, like taking a seat: a registration racing this edit cannot be overbooked.
    allowed = Event.taken <= new if new is not None else true()
    result = await ctx.session.execute(
        update(Event)
        .where(Event.id == event.id, allowed)
        .values(capacity=new)
        .execution_options(synchronize_session=False)
    )
    await ctx.session.refresh(event)
    if not result.rowcount:  # type: ignore[attr-defined]
        return Reply(ctx.t.n("manage_event.below_taken", event.taken))
    ctx.end()
    offered = 0
    held = (await counts(ctx.session, event)).offered  # seats kept for people deciding
    while event.capacity is None or event.capacity > event.taken + held + offered:
        following = await offer_next(ctx.session, event.id, ctx.now)
        if following is None:
            break
        await announce_offer(ctx.session, following, ctx.now)
        offered += 1
    await audit(
        ctx.session,
        authority.person_id,
        "event.edit",
        f"event:{event.slug}",
        field="capacity",
        before=before,
        after=new,
        offered=offered,
    )
    return await overview(ctx, event, ctx.t("manage_event.capacity_saved", offered=offered))
