"""/manage_events: a coordinator's events within reach, each with its registration counts;
publish a draft, cancel (after a confirmation; registrants are told through
event_notices), or ask for a new title, time, place or capacity (event_edit).

/manage_events, ManageList → the events, a page at a time; Manage(event) → its card, buttons
Manage(TITLE | STARTS_AT | PLACE | CAPACITY) → that step, answered in event_edit
Manage(PUBLISH)  → a draft published, its card shown
Manage(CANCEL)   → asked first; Manage(CANCEL_SURE) → cancelled, its registrants told
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter, require_event
from handlers.coordinators.event_notices import cancel_event
from handlers.coordinators.event_tools import (
    CopyEvent,
    EventDetail,
    QuestionList,
    SessionList,
)
from handlers.coordinators.roster import counts
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.pages import navigation, page_of
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.people.events import card, day, title, when
from models.audit import audit
from models.catalog import Event, EventStatus
from models.roles import Authority
from models.sessions import has_sessions, is_ahead, still_ahead

coordinator = CoordinatorRouter("event_manage")

PAGE_SIZE = 8


class Action(StrEnum):
    """What a button on a managed event does; CANCEL asks, CANCEL_SURE cancels."""

    SHOW = "show"
    TITLE = "title"
    STARTS_AT = "starts_at"
    PLACE = "place"
    CAPACITY = "capacity"
    PUBLISH = "publish"
    CANCEL = "cancel"
    CANCEL_SURE = "cancel_sure"


class ManageStep(StrEnum):
    """Free-text edits of one event, asked here and answered in event_edit (its table)."""

    TITLE = "manage_event.title"
    STARTS_AT = "manage_event.starts_at"
    PLACE = "manage_event.place"
    CAPACITY = "manage_event.capacity"
    CONFIRM_MOVE = "manage_event.confirm_move"


@dataclass(frozen=True)
class Editing(FlowData):
    """The event being edited and, at CONFIRM_MOVE, the new time (ISO) or place awaiting the
    coordinator's confirmation (`field` is starts_at or place)."""

    event_id: int = 0
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class ManageList(CallbackData, prefix="mel"):
    page: int = 0


@dataclass(frozen=True)
class Manage(CallbackData, prefix="mev"):
    event_id: int
    action: Action = Action.SHOW


@coordinator.command("manage_events")
async def manage_events(ctx: Ctx, authority: Authority) -> list[Reply]:
    """List the upcoming events this coordinator may manage, drafts included."""
    ctx.end()
    return await show_list(ctx, authority, ManageList())


@coordinator.callback(ManageList)
async def show_list(ctx: Ctx, authority: Authority, choice: ManageList) -> list[Reply]:
    """One page of the coordinator's upcoming events, soonest first."""
    query = select(Event).where(Event.status != EventStatus.CANCELLED, still_ahead(ctx.now))
    found = [
        event
        for event in await ctx.session.scalars(query.order_by(Event.starts_at, Event.id))
        if await authority.covers_event(ctx.session, event)
    ]
    page = page_of(found, choice.page, PAGE_SIZE)
    buttons = []
    for event in page.items:
        draft = ctx.t("manage_event.draft_mark") if event.status == EventStatus.DRAFT else ""
        label = f"{draft}{title(ctx, event)} · {day(ctx, event)}"
        buttons.append([Button(label, Manage(event.id).pack())])
    if nav := navigation(ctx, page, ManageList):
        buttons.append(nav)
    key = "manage_event.list" if found else "manage_event.none"
    return [Reply(ctx.t(key, count=len(found)), buttons=buttons)]


async def managed_event(ctx: Ctx, authority: Authority, event_id: int, action: str) -> Event:
    """The event if it is still ahead, not cancelled and within reach (else Stale or Refused)."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == EventStatus.CANCELLED:
        raise Stale(event_id)
    if not await is_ahead(ctx.session, event, ctx.now):
        raise Stale(event_id)
    await require_event(ctx, authority, f"event.{action}", event)
    return event


async def overview(ctx: Ctx, event: Event, note: str | None = None) -> Reply:
    """The card people see, the registration counts, and the coordinator's buttons."""
    numbers = await counts(ctx.session, event)
    lines = [note] if note else []
    lines += [(await card(ctx, event)).text]
    lines.append(
        ctx.t(
            "manage_event.counts",
            confirmed=numbers.confirmed,
            waitlisted=numbers.waitlisted,
            offered=numbers.offered,
        )
    )
    if event.status == EventStatus.DRAFT:
        lines.append(ctx.t("manage_event.is_draft"))
    series = await has_sessions(ctx.session, event.id)
    # A series moves one session at a time, from its list of sessions.
    actions = [Action.TITLE, Action.PLACE, Action.CAPACITY]
    if not series:
        actions.insert(1, Action.STARTS_AT)
    if event.status == EventStatus.DRAFT:
        actions.append(Action.PUBLISH)
    actions.append(Action.CANCEL)
    buttons = [[Button(ctx.t(f"manage_event.do.{a}"), Manage(event.id, a).pack())] for a in actions]
    # An event that meets once becomes a series by adding sessions there.
    buttons.insert(1, [Button(ctx.t("series.sessions"), SessionList(event.id).pack())])
    buttons.append([Button(ctx.t("details.button"), EventDetail(event.id).pack())])
    buttons.append([Button(ctx.t("question_form.button"), QuestionList(event.id).pack())])
    buttons.append([Button(ctx.t("copy.button"), CopyEvent(event.id).pack())])
    buttons.append([Button(ctx.t("manage_event.back"), ManageList().pack())])
    return Reply("\n".join(lines), buttons=buttons)


@coordinator.callback(Manage)
async def act(ctx: Ctx, authority: Authority, choice: Manage) -> list[Reply]:
    """Show an event, ask for a new value, publish, or cancel (asking first)."""
    event = await managed_event(ctx, authority, choice.event_id, choice.action)
    ctx.end()
    if choice.action == Action.STARTS_AT and await has_sessions(ctx.session, event.id):
        raise Stale(choice.action)  # a series moves session by session
    if choice.action in (Action.TITLE, Action.STARTS_AT, Action.PLACE, Action.CAPACITY):
        ctx.goto(ManageStep(f"manage_event.{choice.action}"), Editing(event.id))
        keep = [[Button(ctx.t("manage_event.keep"), Manage(event.id).pack())]]
        # A typed seat count must not be read as the number of an option.
        buttons = [] if choice.action == Action.CAPACITY else keep
        return [Reply(ctx.t(f"manage_event.ask.{choice.action}"), buttons=buttons)]
    if choice.action == Action.PUBLISH and event.status == EventStatus.DRAFT:
        event.status = EventStatus.PUBLISHED
        await audit(ctx.session, authority.person_id, "event.publish", f"event:{event.slug}")
        return [await overview(ctx, event, ctx.t("manage_event.published"))]
    if choice.action == Action.CANCEL:
        buttons = [
            [Button(ctx.t("manage_event.cancel_yes"), Manage(event.id, Action.CANCEL_SURE).pack())],
            [Button(ctx.t("manage_event.cancel_no"), Manage(event.id).pack())],
        ]
        text = ctx.t("manage_event.cancel_sure", title=title(ctx, event), when=when(ctx, event))
        return [Reply(text, buttons=buttons)]
    if choice.action == Action.CANCEL_SURE:
        told = await cancel_event(ctx.session, event, ctx.config, ctx.now)
        await audit(
            ctx.session, authority.person_id, "event.cancel", f"event:{event.slug}", told=told
        )
        buttons = [[Button(ctx.t("manage_event.back"), ManageList().pack())]]
        return [
            Reply(
                ctx.t.n("manage_event.cancelled", told, title=title(ctx, event)),
                buttons=buttons,
            )
        ]
    return [await overview(ctx, event)]
