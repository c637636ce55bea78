"""The /newevent form's answers (its states and transitions: handlers.coordinators.event_form):
each typed answer is read, and on a problem the same question is asked again saying why; a
button answers only the question the form waits at; a regional coordinator's choices are
checked against their reach."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.coordinators.event_form import (
    CHOICES,
    SKIPPABLE,
    FormChoice,
    NewEvent,
    NewEventStep,
    answered,
    ask,
    region_of,
)
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from models.catalog import EventKind, Track
from models.discovery import NATIONAL, regions
from models.roles import Authority

coordinator = CoordinatorRouter("event_form_answers")


@coordinator.step(NewEventStep.TITLE_HE)
async def got_title_he(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the Hebrew title."""
    title = event_input.line(ctx.text, event_input.MAX_TITLE)
    if isinstance(title, Problem):
        return await ask(ctx, authority, title)
    return await answered(ctx, authority, replace(ctx.flow(NewEvent), title_he=title))


@coordinator.step(NewEventStep.TITLE_EN)
async def got_title_en(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the English title."""
    title = event_input.line(ctx.text, event_input.MAX_TITLE)
    if isinstance(title, Problem):
        return await ask(ctx, authority, title)
    return await answered(ctx, authority, replace(ctx.flow(NewEvent), title_en=title))


@coordinator.step(NewEventStep.KIND)
@coordinator.step(NewEventStep.REGION)
@coordinator.step(NewEventStep.TRACK)
@coordinator.step(NewEventStep.PREVIEW)
async def typed_instead_of_choosing(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Point at the buttons again when text comes while the form waits for a choice."""
    return await ask(ctx, authority, Problem("newevent.use_buttons", {}))


@coordinator.step(NewEventStep.STARTS_AT)
async def got_start(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the start date and time, e.g. 12.1.2027 18:30."""
    moment = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(moment, Problem):
        return await ask(ctx, authority, moment)
    data = replace(ctx.flow(NewEvent), starts_at=moment.isoformat())
    return await answered(ctx, authority, data)


@coordinator.step(NewEventStep.ENDS_AT)
async def got_end(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the end time the same day, or the length in hours."""
    data = ctx.flow(NewEvent)
    moment = event_input.end(ctx.text, datetime.fromisoformat(data.starts_at), ctx.config.timezone)
    if isinstance(moment, Problem):
        return await ask(ctx, authority, moment)
    ends_at = moment.isoformat() if moment is not None else None
    return await answered(ctx, authority, replace(data, ends_at=ends_at))


@coordinator.step(NewEventStep.PLACE)
async def got_place(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the place."""
    place = event_input.line(ctx.text, event_input.MAX_PLACE)
    if isinstance(place, Problem):
        return await ask(ctx, authority, place)
    return await answered(ctx, authority, replace(ctx.flow(NewEvent), place=place))


@coordinator.step(NewEventStep.CAPACITY)
async def got_capacity(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the number of seats."""
    capacity = event_input.capacity(ctx.text)
    if isinstance(capacity, Problem):
        return await ask(ctx, authority, capacity)
    return await answered(ctx, authority, replace(ctx.flow(NewEvent), capacity=capacity))


@coordinator.callback(FormChoice)
async def chose(ctx: Ctx, authority: Authority, choice: FormChoice) -> list[Reply]:
    """Take a button answer or a skip, checking a regional coordinator's reach."""
    # The button names the question it answers: only the one the form waits for counts.
    step = _waiting(ctx)
    if step is None or step.field != choice.field:
        raise Stale(choice.field)
    if step not in (CHOICES if choice.value is not None else SKIPPABLE):
        raise Stale(choice.field)
    data = ctx.flow(NewEvent)
    if step == NewEventStep.KIND:
        if choice.value not in set(EventKind):
            raise Stale(choice.value)
        data = replace(data, kind=str(choice.value))
    elif step == NewEventStep.REGION:
        if choice.value not in (*await regions(ctx.session), NATIONAL):
            raise Stale(choice.value)
        if not authority.tracks:
            await require_reach(ctx, authority, "newevent", region=region_of(choice.value))
        data = replace(data, region=choice.value)
    elif step == NewEventStep.TRACK:
        track = None
        if choice.value is not None:
            if not choice.value.isdigit():
                raise Stale(choice.value)
            track = await ctx.session.get(Track, int(choice.value))
            if track is None:
                raise Stale(choice.value)
        await require_reach(
            ctx,
            authority,
            "newevent",
            region=region_of(data.region),
            track=track.slug if track else None,
        )
        data = replace(data, track=track.id if track else None)
    return await answered(ctx, authority, data)


def _waiting(ctx: Ctx) -> NewEventStep | None:
    """The step the form waits at, or None when no form is open."""
    try:
        return NewEventStep(ctx.state.step or "")
    except ValueError:
        return None
