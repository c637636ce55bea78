"""Adding sessions in /manage_events → an event → 🗓️ Sessions → ➕ Add sessions: dates typed
several at once, or a rule (how often, the first session, how many), shown first with the days
a rule passed over for Shabbat or a holiday, then added on confirmation. An event that met once
becomes a series, its own meeting the first session. The series' registrants are told of the new
sessions; their reminders and /my follow them (the planner's next run).

AddSessions (sessions) → DATES
DATES    dates, several at once  → CONFIRM (none new: DATES again)
DATES    AddByRule               → EVERY
EVERY    AddEvery                → FIRST; typed text → the buttons again
FIRST    a date and time         → COUNT
COUNT    how many                → CONFIRM (none new: DATES)
CONFIRM  ConfirmAddSessions      → added, registrants told, the sessions shown (flow ends)
CONFIRM  typed text              → the button again
(any step) invalid input, or more sessions than a series holds → what is wrong; the same step
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from handlers.coordinators import session_plan as planned
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import managed_event
from handlers.coordinators.event_notices import announce_added, count_registrants
from handlers.coordinators.event_tools import AddSessions, SessionList
from handlers.coordinators.session_plan import BadDate, Every, Plan
from handlers.coordinators.sessions import show_sessions
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from handlers.people.events import title
from locales.dates import format_span
from models.audit import audit
from models.catalog import Event, EventStatus
from models.roles import Authority
from models.sessions import (
    MAX_SESSIONS,
    EventSession,
    follow_first,
    sessions_of,
)

coordinator = CoordinatorRouter("session_add")


class AddStep(StrEnum):
    """Where adding sessions waits (the module's table)."""

    DATES = "sessions.add_dates"
    EVERY = "sessions.add_every"
    FIRST = "sessions.add_first"
    COUNT = "sessions.add_count"
    CONFIRM = "sessions.add_confirm"


@dataclass(frozen=True)
class AddFlow(FlowData):
    event_id: int = 0
    every: int = 0
    first: str = ""
    """The rule's first session (UTC, ISO)."""
    starts: tuple[str, ...] = ()
    """The new sessions shown for confirmation (UTC, ISO)."""


@dataclass(frozen=True)
class AddByRule(CallbackData, prefix="msr"):
    event_id: int


@dataclass(frozen=True)
class AddEvery(CallbackData, prefix="mse"):
    event_id: int
    every: int
    """An `Every` value."""


@dataclass(frozen=True)
class ConfirmAddSessions(CallbackData, prefix="msk"):
    event_id: int


async def _event(ctx: Ctx, authority: Authority, event_id: int) -> tuple[Event, list[EventSession]]:
    """The event within reach, with its sessions; Stale when the flow is about another."""
    event = await managed_event(ctx, authority, event_id, "sessions.add")
    return event, await sessions_of(ctx.session, event.id)


def _back(event: Event, ctx: Ctx) -> list[Button]:
    return [Button(ctx.t("series.back"), SessionList(event.id).pack())]


@coordinator.callback(AddSessions)
async def start(ctx: Ctx, authority: Authority, choice: AddSessions) -> list[Reply]:
    """Ask for the new sessions' dates, or a rule."""
    event, meetings = await _event(ctx, authority, choice.event_id)
    ctx.goto(AddStep.DATES, AddFlow(event.id))
    usual = f"{planned.usual_time(event, meetings, ctx.config.timezone):%H:%M}"
    rule = Button(ctx.t("session_add.rule"), AddByRule(event.id).pack())
    return [Reply(ctx.t("session_add.ask", time=usual), buttons=[[rule], _back(event, ctx)])]


@coordinator.step(AddStep.DATES)
async def got_dates(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read the dates typed and show the sessions they make."""
    event, meetings = await _event(ctx, authority, ctx.flow(AddFlow).event_id)
    usual = planned.usual_time(event, meetings, ctx.config.timezone)
    starts = planned.typed_starts(ctx.text, ctx.now, ctx.config.timezone, usual)
    if isinstance(starts, BadDate):
        problem = ctx.t(starts.problem.key, **starts.problem.values)
        return [Reply(ctx.t("session_add.bad_date", piece=starts.piece[:40], problem=problem))]
    return await _preview(
        ctx, event, meetings, planned.typed_plan(starts, planned.length_of(event, meetings))
    )


@coordinator.callback(AddByRule, step=AddStep.DATES)
async def by_rule(ctx: Ctx, authority: Authority, choice: AddByRule) -> list[Reply]:
    """Ask how often the sessions come."""
    event, _ = await _event(ctx, authority, choice.event_id)
    ctx.goto(AddStep.EVERY, AddFlow(event.id))
    buttons = [
        [Button(ctx.t(f"session_add.every.{every.value}"), AddEvery(event.id, every).pack())]
        for every in (Every.WEEK, Every.TWO_WEEKS, Every.THREE_WEEKS, Every.MONTHLY)
    ]
    return [Reply(ctx.t("session_add.ask_every"), buttons=[*buttons, _back(event, ctx)])]


@coordinator.step(AddStep.EVERY)
async def typed_at_every(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Text where a button was expected: ask again."""
    flow = ctx.flow(AddFlow)
    return [Reply(ctx.t("questions.use_buttons"))] + await by_rule(
        ctx, authority, AddByRule(flow.event_id)
    )


@coordinator.callback(AddEvery, step=AddStep.EVERY)
async def got_every(ctx: Ctx, authority: Authority, choice: AddEvery) -> list[Reply]:
    """Ask for the first session of the rule."""
    if choice.every not in set(Every):
        raise Stale(choice.every)
    event, _ = await _event(ctx, authority, choice.event_id)
    ctx.goto(AddStep.FIRST, AddFlow(event.id, choice.every))
    return [Reply(ctx.t("session_add.ask_first"), buttons=[_back(event, ctx)])]


@coordinator.step(AddStep.FIRST)
async def got_first(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read the first session's date and time; ask how many."""
    flow = ctx.flow(AddFlow)
    event, meetings = await _event(ctx, authority, flow.event_id)
    first = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(first, Problem):
        return [Reply(ctx.t(first.key, **first.values))]
    # A monthly rule's first day must be one it can repeat: planning one session tells.
    one = planned.rule_plan(first, Every(flow.every), 1, None, ctx.config.timezone)
    if isinstance(one, Problem):
        return [Reply(ctx.t(one.key, **one.values))]
    ctx.goto(AddStep.COUNT, AddFlow(event.id, flow.every, first.isoformat()))
    room = MAX_SESSIONS - len(planned.held_times(event, meetings))
    return [Reply(ctx.t("session_add.ask_count", limit=room))]


@coordinator.step(AddStep.COUNT)
async def got_count(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read how many sessions and show them, with the days passed over."""
    flow = ctx.flow(AddFlow)
    event, meetings = await _event(ctx, authority, flow.event_id)
    count = planned.read_count(ctx.text, MAX_SESSIONS - len(planned.held_times(event, meetings)))
    if isinstance(count, Problem):
        return [Reply(ctx.t(count.key, **count.values))]
    first = datetime.fromisoformat(flow.first)
    length = planned.length_of(event, meetings)
    plan = planned.rule_plan(first, Every(flow.every), count, length, ctx.config.timezone)
    if isinstance(plan, Problem):
        return [Reply(ctx.t(plan.key, **plan.values))]
    return await _preview(ctx, event, meetings, plan)


async def _preview(ctx: Ctx, event: Event, meetings: list[EventSession], plan: Plan) -> list[Reply]:
    """The sessions to add — a warning on a day without meetings, the days a rule passed over,
    those the series has already — and how many will be told; then wait for the button."""
    tz = ctx.config.timezone
    held = planned.held_times(event, meetings)
    plan = planned.without_held(plan, held)
    room = MAX_SESSIONS - len(held)
    if len(plan.times) > room:
        return [Reply(ctx.t("session_add.full", limit=MAX_SESSIONS, room=room))]
    lines = [
        ctx.t("session_add.preview", title=title(ctx, event)),
        *planned.described(ctx.t, plan, tz),
    ]
    if not plan.times:
        ctx.goto(AddStep.DATES, AddFlow(event.id))
        lines.append(ctx.t("session_add.nothing"))
        return [Reply("\n".join(lines), buttons=[_back(event, ctx)])]
    if not meetings:
        when = format_span(event.starts_at, event.ends_at, ctx.locale, tz)
        lines.append(ctx.t("session_add.becomes_first", when=when))
    told = (
        await count_registrants(ctx.session, event) if event.status == EventStatus.PUBLISHED else 0
    )
    lines.append(ctx.t("manage_event.confirm.told", count=told))
    new = tuple(start.isoformat() for start, _ in plan.times)
    ctx.goto(AddStep.CONFIRM, AddFlow(event.id, starts=new))
    add = Button(ctx.t("session_add.confirm", count=len(new)), ConfirmAddSessions(event.id).pack())
    return [Reply("\n".join(lines), buttons=[[add], _back(event, ctx)])]


@coordinator.step(AddStep.CONFIRM)
async def typed_at_confirm(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Text where a button was expected: the sessions wait for the button."""
    event, _ = await _event(ctx, authority, ctx.flow(AddFlow).event_id)
    count = len(ctx.flow(AddFlow).starts)
    add = Button(ctx.t("session_add.confirm", count=count), ConfirmAddSessions(event.id).pack())
    return [Reply(ctx.t("questions.use_buttons"), buttons=[[add], _back(event, ctx)])]


@coordinator.callback(ConfirmAddSessions, step=AddStep.CONFIRM)
async def confirm(ctx: Ctx, authority: Authority, choice: ConfirmAddSessions) -> list[Reply]:
    """Add the sessions still ahead, tell the registrants, audit."""
    flow = ctx.flow(AddFlow)
    if flow.event_id != choice.event_id:
        raise Stale(choice.event_id)
    event, meetings = await _event(ctx, authority, choice.event_id)
    if not meetings:  # the event's own meeting becomes the first of the series
        ctx.session.add(
            EventSession(event_id=event.id, starts_at=event.starts_at, ends_at=event.ends_at)
        )
    held, length = planned.held_times(event, meetings), planned.length_of(event, meetings)
    starts = [s for s in map(datetime.fromisoformat, flow.starts) if s > ctx.now and s not in held]
    added = [
        EventSession(event_id=event.id, starts_at=s, ends_at=None if length is None else s + length)
        for s in starts
    ]
    ctx.session.add_all(added)
    await ctx.session.flush()
    await follow_first(ctx.session, event)
    told = 0
    if event.status == EventStatus.PUBLISHED and added:
        told = await announce_added(ctx.session, event, added, ctx.config, ctx.now)
    await audit(
        ctx.session,
        authority.person_id,
        "session.add",
        f"event:{event.slug}",
        session_ids=[meeting.id for meeting in added],
        told=told,
    )
    ctx.end()
    note = ctx.t("session_add.added", count=len(added), told=told)
    return [Reply(note)] + await show_sessions(ctx, authority, SessionList(event.id))
