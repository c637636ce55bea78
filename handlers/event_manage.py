"""/manage_events: a coordinator's events within reach — change the title, time, place or
capacity, publish a draft, or cancel with a confirmation. Time and place changes and the
cancellation are told to registrants through handlers.event_notices; more seats go to the
waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, true, update

from handlers import coordinator, event_input
from handlers.callback import CallbackData
from handlers.context import Ctx
from handlers.coordinator import require_event
from handlers.event_input import Problem
from handlers.event_notices import announce_change, cancel_event
from handlers.events import card, day, title, when
from handlers.router import Stale
from handlers.types import Button, Reply
from handlers.waitlist import announce_offer
from models.audit import audit
from models.catalog import Event, EventStatus
from models.event_changes import Schedule
from models.registration_service import offer_next
from models.registrations import Registration, RegistrationStatus
from models.roles import Authority

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
    """Free-text edits of one event: asked by a button, taken here, then the event again."""

    TITLE = "manage_event.title"
    STARTS_AT = "manage_event.starts_at"
    PLACE = "manage_event.place"
    CAPACITY = "manage_event.capacity"


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
    query = select(Event).where(Event.status != EventStatus.CANCELLED, Event.starts_at > ctx.now)
    found = [
        event
        for event in await ctx.session.scalars(query.order_by(Event.starts_at, Event.id))
        if await authority.covers_event(ctx.session, event)
    ]
    start = choice.page * PAGE_SIZE
    buttons = []
    for event in found[start : start + PAGE_SIZE]:
        draft = ctx.t("manage_event.draft_mark") if event.status == EventStatus.DRAFT else ""
        label = f"{draft}{title(ctx, event)} · {day(ctx, event)}"
        buttons.append([Button(label, Manage(event.id).pack())])
    if start + PAGE_SIZE < len(found):
        buttons.append([Button(ctx.t("events.more"), ManageList(choice.page + 1).pack())])
    key = "manage_event.list" if found else "manage_event.none"
    return [Reply(ctx.t(key, count=len(found)), buttons=buttons)]


async def _event(ctx: Ctx, authority: Authority, event_id: int, action: str) -> Event:
    """The event if it is still ahead, not cancelled and within reach (else Stale or Refused)."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == EventStatus.CANCELLED or event.starts_at <= ctx.now:
        raise Stale(event_id)
    await require_event(ctx, authority, f"event.{action}", event)
    return event


async def overview(ctx: Ctx, event: Event, note: str | None = None) -> Reply:
    """The card people see, the registration counts, and the coordinator's buttons."""
    counts = dict(
        (
            await ctx.session.execute(
                select(Registration.status, func.count())
                .where(Registration.event_id == event.id)
                .group_by(Registration.status)
            )
        ).all()
    )
    lines = [note] if note else []
    lines += [(await card(ctx, event)).text]
    lines.append(
        ctx.t(
            "manage_event.counts",
            confirmed=counts.get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0),
            offered=counts.get(RegistrationStatus.OFFERED, 0),
        )
    )
    if event.status == EventStatus.DRAFT:
        lines.append(ctx.t("manage_event.is_draft"))
    actions = [Action.TITLE, Action.STARTS_AT, Action.PLACE, Action.CAPACITY]
    if event.status == EventStatus.DRAFT:
        actions.append(Action.PUBLISH)
    actions.append(Action.CANCEL)
    buttons = [[Button(ctx.t(f"manage_event.do.{a}"), Manage(event.id, a).pack())] for a in actions]
    buttons.append([Button(ctx.t("manage_event.back"), ManageList().pack())])
    return Reply("\n".join(lines), buttons=buttons)


@coordinator.callback(Manage)
async def act(ctx: Ctx, authority: Authority, choice: Manage) -> list[Reply]:
    """Show an event, ask for a new value, publish, or cancel (asking first)."""
    event = await _event(ctx, authority, choice.event_id, choice.action)
    ctx.end()
    if choice.action in (Action.TITLE, Action.STARTS_AT, Action.PLACE, Action.CAPACITY):
        ctx.goto(ManageStep(f"manage_event.{choice.action}"), event_id=event.id)
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
                ctx.t("manage_event.cancelled", title=title(ctx, event), count=told),
                buttons=buttons,
            )
        ]
    return [await overview(ctx, event)]


async def _editing(ctx: Ctx, authority: Authority, action: Action) -> Event:
    """The event an edit step is about, checked again: the role may have changed meanwhile."""
    return await _event(ctx, authority, int(ctx.data["event_id"]), action)


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
    return [await overview(ctx, event, ctx.t("manage_event.moved", count=told))]


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
        return Reply(
            ctx.t("manage_event.below_taken", taken=event.taken),
            buttons=[[Button(ctx.t("manage_event.keep"), Manage(event.id).pack())]],
        )
    ctx.end()
    offered = 0
    while event.capacity is None or event.capacity > event.taken + await _offered(ctx, event):
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


async def _offered(ctx: Ctx, event: Event) -> int:
    """Seats held for people deciding on an offer."""
    count = await ctx.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.OFFERED
        )
    )
    return int(count or 0)
