"""Editing one event's title, time, place or capacity from /manage_events, one free-text step
each. A new time or place is shown first with how many registrants will be told (and a warning
when it falls on Shabbat or a holiday), then told to them (event_notices); the pending
reminders follow on the planner's next run. More seats are offered to the waiting list in order.

Manage(event, TITLE | STARTS_AT | PLACE | CAPACITY) → that step (event_manage)
TITLE         a title     → saved, the event shown (flow ends)
CAPACITY      a number    → saved, new seats offered to the waiting list (flow ends)
STARTS_AT     a date/time → CONFIRM_MOVE (the same time again: nothing to confirm, flow ends)
PLACE         a place     → CONFIRM_MOVE (the same place again: nothing to confirm, flow ends)
CONFIRM_MOVE  ConfirmMove → moved, registrants told (flow ends); typed text → asked again
(any step)    invalid input → what is wrong; the same step again
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import (
    Action,
    Editing,
    Manage,
    ManageStep,
    act,
    managed_event,
    overview,
)
from handlers.coordinators.event_notices import announce_change, count_registrants
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from handlers.people.events import title
from handlers.people.waitlist import OfferNotices
from locales.dates import format_date_time, format_span
from models.audit import audit
from models.catalog import Event, EventStatus
from models.event_changes import Schedule
from models.rest_days import rest_period
from models.roles import Authority
from models.seats import set_capacity

coordinator = CoordinatorRouter("event_edit")


async def _editing(ctx: Ctx, authority: Authority, action: Action) -> Event:
    """The event an edit step is about, checked again: the role may have changed meanwhile."""
    return await managed_event(ctx, authority, ctx.flow(Editing).event_id, action)


async def _again(ctx: Ctx, problem: Problem) -> list[Reply]:
    """Say what was wrong and wait for another try at the same step."""
    return [Reply(ctx.t(problem.key, **problem.values))]


@coordinator.reask(*ManageStep)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask the edit's question again, or show the change awaiting confirmation, in the language
    just chosen."""
    step = ManageStep(str(ctx.state.step))
    data = ctx.flow(Editing)
    if step == ManageStep.CONFIRM_MOVE:
        event = await _editing(ctx, authority, Action(data.field))
        return [await _confirmation(ctx, event, data.field, data.value)]
    action = Action(step.value.removeprefix("manage_event."))
    return await act(ctx, authority, Manage(data.event_id, action))


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


@dataclass(frozen=True)
class ConfirmMove(CallbackData, prefix="mem"):
    """Apply the new time or place kept in the flow's data, once the coordinator has seen who
    will be told."""

    event_id: int


@coordinator.step(ManageStep.STARTS_AT)
async def got_start(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the new start (the length stays) and ask to confirm it."""
    event = await _editing(ctx, authority, Action.STARTS_AT)
    new = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    return await _confirm(ctx, authority, event, "starts_at", new.isoformat())


@coordinator.step(ManageStep.PLACE)
async def got_place(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the new place and ask to confirm it."""
    event = await _editing(ctx, authority, Action.PLACE)
    new = event_input.line(ctx.text, event_input.MAX_PLACE)
    if isinstance(new, Problem):
        return await _again(ctx, new)
    return await _confirm(ctx, authority, event, "place", new)


async def _confirm(
    ctx: Ctx, authority: Authority, event: Event, field: str, value: str
) -> list[Reply]:
    """Keep the new time or place until confirmed; the same one again changes nothing, so
    there is nothing to confirm."""
    ctx.goto(ManageStep.CONFIRM_MOVE, Editing(event.id, field, value))
    if not _would_move(event, field, value):
        return await _moved(ctx, authority, event, Schedule.of(event), field, value)
    return [await _confirmation(ctx, event, field, value)]


async def _confirmation(ctx: Ctx, event: Event, field: str, value: str) -> Reply:
    """The change, a warning if it falls on Shabbat or a holiday, and how many will be told."""
    if field == "starts_at":
        new = datetime.fromisoformat(value)
        ends = None if event.ends_at is None else new + (event.ends_at - event.starts_at)
        when = format_span(new, ends, ctx.locale, ctx.config.timezone)
        lines = [ctx.t("manage_event.confirm.starts_at", when=when)]
        zone = ctx.config.timezone
        if rest := rest_period(new, timezone=zone) or (ends and rest_period(ends, timezone=zone)):
            lines.append(
                ctx.t(
                    "manage_event.confirm.rest_day",
                    begins=format_date_time(rest.begins, ctx.locale, zone),
                    ends=format_date_time(rest.ends, ctx.locale, zone),
                )
            )
    else:
        lines = [ctx.t("manage_event.confirm.place", place=value)]
    published = event.status == EventStatus.PUBLISHED
    told = await count_registrants(ctx.session, event) if published else 0
    lines.append(ctx.t("manage_event.confirm.told", count=told))
    buttons = [
        [Button(ctx.t("manage_event.confirm.yes"), ConfirmMove(event.id).pack())],
        [Button(ctx.t("manage_event.keep"), Manage(event.id).pack())],
    ]
    return Reply("\n".join(lines), buttons=buttons)


@coordinator.step(ManageStep.CONFIRM_MOVE)
async def typed_at_confirm(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Free text where a button was expected: the change waits for the button."""
    data = ctx.flow(Editing)
    event = await _editing(ctx, authority, Action(data.field))
    again = await _confirmation(ctx, event, data.field, data.value)
    return [Reply(ctx.t("manage_event.confirm.use_buttons")), again]


@coordinator.callback(ConfirmMove, step=ManageStep.CONFIRM_MOVE)
async def confirm_move(ctx: Ctx, authority: Authority, choice: ConfirmMove) -> list[Reply]:
    """Apply the confirmed time or place and tell the registrants."""
    data = ctx.flow(Editing)
    if data.event_id != choice.event_id:
        raise Stale(choice.event_id)
    event = await _editing(ctx, authority, Action(data.field))
    before = _apply(event, data.field, data.value)
    return await _moved(ctx, authority, event, before, data.field, data.value)


def _would_move(event: Event, field: str, value: str) -> bool:
    """Whether setting `field` to `value` would change the event's time or place."""
    if field == "starts_at":
        return datetime.fromisoformat(value) != event.starts_at
    return any(fields.get("place") != value for fields in event.content.values())


def _apply(event: Event, field: str, value: str) -> Schedule:
    """Set the new start (keeping the length) or place; returns the schedule before."""
    before = Schedule.of(event)
    if field == "starts_at":
        new = datetime.fromisoformat(value)
        if event.ends_at is not None:
            event.ends_at = new + (event.ends_at - event.starts_at)
        event.starts_at = new
    else:
        # Every language at once: a stale translation of the place would mislead.
        event.content = {lang: {**fields, "place": value} for lang, fields in event.content.items()}
    return before


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
    """Change the seats, never below those confirmed or held for an offer; new seats are
    offered to the waiting list in order."""
    before = event.capacity
    offers = await set_capacity(ctx.session, event, new, ctx.now, OfferNotices(ctx.config))
    if offers is None:
        return Reply(ctx.t.n("manage_event.below_taken", event.taken))
    ctx.end()
    await audit(
        ctx.session,
        authority.person_id,
        "event.edit",
        f"event:{event.slug}",
        field="capacity",
        before=before,
        after=new,
        offered=len(offers),
    )
    return await overview(ctx, event, ctx.t("manage_event.capacity_saved", offered=len(offers)))
