"""A series' sessions in /manage_events: move one session to a typed time or cancel it. Its
registrants — and nobody else — are told (event_notices.announce_session); reminders follow on
the planner's next run, as they do for a moved event. Adding sessions (to a series, or to an
event that meets once) is handlers.coordinators.session_add.

SessionList → the sessions; SessionAct(session) → its buttons
SessionAct(MOVE)    → NEW_TIME
SessionAct(CANCEL)  → asked first; SessionAct(CANCEL_SURE) → cancelled, its registrants told
NEW_TIME  a date and time     → CONFIRM (the same time again: the sessions, flow ends)
NEW_TIME  anything else       → what is wrong; NEW_TIME again
CONFIRM   ConfirmSessionMove  → moved, its registrants told, the sessions shown (flow ends)
CONFIRM   typed text          → the move and its button again
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import Manage, managed_event
from handlers.coordinators.event_notices import announce_session, count_registrants
from handlers.coordinators.event_tools import AddSessions, SessionList
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from handlers.people.events import title, when
from locales.dates import format_span
from models.audit import audit
from models.catalog import Event, EventStatus
from models.roles import Authority
from models.sessions import EventSession, SessionStatus, follow_first, meets_on, sessions_of

coordinator = CoordinatorRouter("sessions")


class SessionAction(StrEnum):
    """What a button on one session does; CANCEL asks, CANCEL_SURE cancels."""

    SHOW = "show"
    MOVE = "move"
    CANCEL = "cancel"
    CANCEL_SURE = "cancel_sure"


class SessionStep(StrEnum):
    """Where moving a session waits (the module's table)."""

    NEW_TIME = "sessions.new_time"
    CONFIRM = "sessions.confirm"


@dataclass(frozen=True)
class MoveFlow(FlowData):
    """The session being moved and, once typed, its new start (UTC, ISO)."""

    session_id: int = 0
    to: str = ""


@dataclass(frozen=True)
class SessionAct(CallbackData, prefix="msa"):
    session_id: int
    action: SessionAction = SessionAction.SHOW


@dataclass(frozen=True)
class ConfirmSessionMove(CallbackData, prefix="msm"):
    session_id: int


async def _session(ctx: Ctx, authority: Authority, session_id: int) -> tuple[EventSession, Event]:
    """A scheduled session still ahead of an event within reach, or Stale / Refused."""
    meeting = await ctx.session.get(EventSession, session_id)
    if meeting is None or meeting.status != SessionStatus.SCHEDULED or meeting.starts_at <= ctx.now:
        raise Stale(session_id)
    event = await managed_event(ctx, authority, meeting.event_id, "session")
    return meeting, event


def _when(ctx: Ctx, meeting: EventSession) -> str:
    return format_span(meeting.starts_at, meeting.ends_at, ctx.locale, ctx.config.timezone)


@coordinator.callback(SessionList)
async def show_sessions(ctx: Ctx, authority: Authority, choice: SessionList) -> list[Reply]:
    """The series' sessions: the past and cancelled ones named, those ahead as buttons; an
    event that meets once, with the offer to add sessions."""
    event = await managed_event(ctx, authority, choice.event_id, "sessions")
    ctx.end()
    meetings = await sessions_of(ctx.session, event.id)
    key = "series.list" if meetings else "series.single"
    lines = [ctx.t(key, title=title(ctx, event), when=when(ctx, event))]
    buttons = []
    for number, meeting in enumerate(meetings, 1):
        at = _when(ctx, meeting)
        if meeting.status == SessionStatus.CANCELLED:
            lines.append(ctx.t("series.line_cancelled", number=number, when=at))
        elif meeting.starts_at <= ctx.now:
            lines.append(ctx.t("series.line_past", number=number, when=at))
        else:
            lines.append(ctx.t("series.line", number=number, when=at))
            label = ctx.t("series.button", number=number, when=at)
            buttons.append([Button(label, SessionAct(meeting.id).pack())])
    buttons.append([Button(ctx.t("series.add"), AddSessions(event.id).pack())])
    buttons.append([Button(ctx.t("series.back"), Manage(event.id).pack())])
    return [Reply("\n".join(lines), buttons=buttons)]


@coordinator.callback(SessionAct)
async def act(ctx: Ctx, authority: Authority, choice: SessionAct) -> list[Reply]:
    """Show a session, ask for its new time, or cancel it (asking first)."""
    meeting, event = await _session(ctx, authority, choice.session_id)
    ctx.end()
    back = Button(ctx.t("series.back"), SessionList(event.id).pack())
    if choice.action == SessionAction.MOVE:
        ctx.goto(SessionStep.NEW_TIME, MoveFlow(meeting.id))
        return [Reply(ctx.t("series.ask_time", when=_when(ctx, meeting)), buttons=[[back]])]
    if choice.action == SessionAction.CANCEL:
        told = await count_registrants(ctx.session, event)
        sure = SessionAct(meeting.id, SessionAction.CANCEL_SURE).pack()
        text = ctx.t("series.cancel_sure", when=_when(ctx, meeting), count=told)
        return [Reply(text, buttons=[[Button(ctx.t("series.cancel_yes"), sure)], [back]])]
    if choice.action == SessionAction.CANCEL_SURE:
        meeting.status = SessionStatus.CANCELLED
        return await _changed(ctx, authority, event, meeting, meeting.starts_at)
    buttons = [
        [Button(ctx.t("series.move"), SessionAct(meeting.id, SessionAction.MOVE).pack())],
        [Button(ctx.t("series.cancel"), SessionAct(meeting.id, SessionAction.CANCEL).pack())],
        [back],
    ]
    return [
        Reply(
            ctx.t("series.session", title=title(ctx, event), when=_when(ctx, meeting)),
            buttons=buttons,
        )
    ]


@coordinator.reask(SessionStep.NEW_TIME, SessionStep.CONFIRM)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the new time again, or show the move awaiting confirmation."""
    flow = ctx.flow(MoveFlow)
    if ctx.state.step == SessionStep.CONFIRM:
        meeting, event = await _session(ctx, authority, flow.session_id)
        return [await _confirmation(ctx, event, meeting, datetime.fromisoformat(flow.to))]
    return await act(ctx, authority, SessionAct(flow.session_id, SessionAction.MOVE))


@coordinator.step(SessionStep.NEW_TIME)
async def got_time(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read the new start (the length stays) and show who will be told."""
    meeting, event = await _session(ctx, authority, ctx.flow(MoveFlow).session_id)
    new = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    if isinstance(new, Problem):
        return [Reply(ctx.t(new.key, **new.values))]
    if new == meeting.starts_at:
        ctx.end()
        return await show_sessions(ctx, authority, SessionList(event.id))
    ctx.goto(SessionStep.CONFIRM, MoveFlow(meeting.id, new.isoformat()))
    return [await _confirmation(ctx, event, meeting, new)]


async def _confirmation(ctx: Ctx, event: Event, meeting: EventSession, new: datetime) -> Reply:
    """The new time, a warning on a day without meetings, and how many will be told."""
    ends = None if meeting.ends_at is None else new + (meeting.ends_at - meeting.starts_at)
    lines = [
        ctx.t(
            "series.confirm",
            was=_when(ctx, meeting),
            when=format_span(new, ends, ctx.locale, ctx.config.timezone),
        )
    ]
    if not meets_on(new, ends, ctx.config.timezone):
        lines.append(ctx.t("series.rest_day"))
    told = (
        await count_registrants(ctx.session, event) if event.status == EventStatus.PUBLISHED else 0
    )
    lines.append(ctx.t("manage_event.confirm.told", count=told))
    buttons = [
        [Button(ctx.t("manage_event.confirm.yes"), ConfirmSessionMove(meeting.id).pack())],
        [Button(ctx.t("manage_event.keep"), SessionList(event.id).pack())],
    ]
    return Reply("\n".join(lines), buttons=buttons)


@coordinator.step(SessionStep.CONFIRM)
async def typed_at_confirm(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Free text where a button was expected: the move waits for the button."""
    return [Reply(ctx.t("manage_event.confirm.use_buttons"))] + await ask_again(ctx, authority)


@coordinator.callback(ConfirmSessionMove, step=SessionStep.CONFIRM)
async def confirm_move(ctx: Ctx, authority: Authority, choice: ConfirmSessionMove) -> list[Reply]:
    """Move the session as confirmed, keeping its length, and tell its registrants."""
    flow = ctx.flow(MoveFlow)
    if flow.session_id != choice.session_id:
        raise Stale(choice.session_id)
    meeting, event = await _session(ctx, authority, choice.session_id)
    was, new = meeting.starts_at, datetime.fromisoformat(flow.to)
    if meeting.ends_at is not None:
        meeting.ends_at = new + (meeting.ends_at - meeting.starts_at)
    meeting.starts_at = new
    return await _changed(ctx, authority, event, meeting, was)


async def _changed(
    ctx: Ctx, authority: Authority, event: Event, meeting: EventSession, was: datetime
) -> list[Reply]:
    """Keep the event's start with its first session, tell the registrants, audit."""
    await ctx.session.flush()
    await follow_first(ctx.session, event)
    told = 0
    if event.status == EventStatus.PUBLISHED:
        told = await announce_session(ctx.session, event, meeting, was, ctx.config, ctx.now)
    await audit(
        ctx.session,
        authority.person_id,
        f"session.{'cancel' if meeting.status == SessionStatus.CANCELLED else 'move'}",
        f"event:{event.slug}",
        session_id=meeting.id,
        before=was.isoformat(),
        after=meeting.starts_at.isoformat(),
        told=told,
    )
    ctx.end()
    note = ctx.t.n("manage_event.moved", told)
    return [Reply(note)] + await show_sessions(ctx, authority, SessionList(event.id))
