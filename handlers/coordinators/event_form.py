"""/newevent: a coordinator creates an event through a guided form, one question per field,
then sees the card people will see and publishes it or keeps it as a draft.

The answers so far live in the conversation state; the next question is always the first
field still missing, so a button pressed out of turn (old, doubled or forged) is stale.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.coordinators.event_manage import overview
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from handlers.people.events import NATIONAL, card
from models.audit import audit
from models.catalog import Event, EventKind, EventStatus, Track
from models.discovery import regions
from models.localized import localized
from models.roles import Authority

coordinator = CoordinatorRouter("event_form")

FIELDS = (
    "title_he",
    "title_en",
    "kind",
    "region",
    "track",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
)
"""The answers in the order they are asked."""
SKIPPABLE = frozenset({"title_en", "track", "place"})
"""Numbers are typed with no buttons beside them: text-only channels read "1" as option 1."""


class NewEventStep(StrEnum):
    """The form's free-text questions, asked in FIELDS order; CHOOSE waits for a button."""

    TITLE_HE = "newevent.title_he"
    TITLE_EN = "newevent.title_en"
    CHOOSE = "newevent.choose"
    STARTS_AT = "newevent.starts_at"
    ENDS_AT = "newevent.ends_at"
    PLACE = "newevent.place"
    CAPACITY = "newevent.capacity"


@dataclass(frozen=True)
class FormChoice(CallbackData, prefix="nef"):
    """A button answer (`field` is kind, region or track) or a skip (`value` empty)."""

    field: str
    value: str | None = None


@dataclass(frozen=True)
class FormSave(CallbackData, prefix="nes"):
    publish: bool


def asking(ctx: Ctx) -> str | None:
    """The field the form waits for, or None when no form is open (or all is answered)."""
    if ctx.data.get("form") != "newevent":
        return None
    return next((name for name in FIELDS if name not in ctx.data), None)


@coordinator.command("newevent")
async def new_event(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Open a fresh form, leaving any flow in progress."""
    ctx.end()
    ctx.goto(NewEventStep.CHOOSE, form="newevent")
    return await next_question(ctx, authority)


@coordinator.reask(*NewEventStep)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The form's current question, or its preview, again (after a change of language)."""
    return await next_question(ctx, authority)


async def next_question(
    ctx: Ctx, authority: Authority, problem: Problem | None = None
) -> list[Reply]:
    """Ask for the first missing field (after saying what was wrong), or show the preview."""
    field = asking(ctx)
    if field is None:
        return await preview(ctx, problem)
    buttons: list[list[Button]] = []
    if field in ("kind", "region", "track"):
        ctx.goto(NewEventStep.CHOOSE)
        options = await _options(ctx, authority, field)
        buttons = [[Button(label, FormChoice(field, value).pack())] for value, label in options]
    else:
        ctx.goto(NewEventStep(f"newevent.{field}"))
    if field in SKIPPABLE:
        buttons.append([Button(ctx.t(f"newevent.skip.{field}"), FormChoice(field).pack())])
    text = ctx.t(f"newevent.ask.{field}")
    if problem is not None:
        text = f"{ctx.t(problem.key, **problem.values)}\n{text}"
    return [Reply(text, buttons=buttons)]


async def _options(ctx: Ctx, authority: Authority, field: str) -> list[tuple[str, str]]:
    """Button values and labels: a regional coordinator sees only what they may choose."""
    if field == "kind":
        return [(kind.value, ctx.t(f"events.kind.{kind.value}")) for kind in EventKind]
    if field == "region":
        everywhere = authority.national or authority.tracks  # a track may be anywhere
        known = await regions(ctx.session)
        offered = [*known, NATIONAL] if everywhere else [r for r in known if r in authority.regions]
        return [(region, ctx.t(f"events.region.{region}")) for region in offered]
    tracks = await ctx.session.scalars(select(Track).where(Track.active).order_by(Track.id))
    region = _region(ctx.data["region"])
    return [
        (str(track.id), localized(track.content, "title", ctx.locale))
        for track in tracks
        if authority.covers(region=region, track=track.slug)
    ]


def _region(value: str) -> str | None:
    return None if value == NATIONAL else value


@coordinator.step(NewEventStep.TITLE_HE)
async def got_title_he(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the Hebrew title."""
    return await _take(
        ctx, authority, "title_he", event_input.line(ctx.text, event_input.MAX_TITLE)
    )


@coordinator.step(NewEventStep.TITLE_EN)
async def got_title_en(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the English title."""
    return await _take(
        ctx, authority, "title_en", event_input.line(ctx.text, event_input.MAX_TITLE)
    )


@coordinator.step(NewEventStep.CHOOSE)
async def typed_instead_of_choosing(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Point at the buttons again when text comes while the form waits for a choice."""
    return await next_question(ctx, authority, Problem("newevent.use_buttons", {}))


@coordinator.step(NewEventStep.STARTS_AT)
async def got_start(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the start date and time, e.g. 12.1.2027 18:30."""
    moment = event_input.start(ctx.text, ctx.now, ctx.config.timezone)
    return await _take(ctx, authority, "starts_at", _iso(moment))


@coordinator.step(NewEventStep.ENDS_AT)
async def got_end(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the end time the same day, or the length in hours."""
    starts_at = datetime.fromisoformat(ctx.data["starts_at"])
    moment = event_input.end(ctx.text, starts_at, ctx.config.timezone)
    return await _take(ctx, authority, "ends_at", _iso(moment))


@coordinator.step(NewEventStep.PLACE)
async def got_place(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the place."""
    return await _take(ctx, authority, "place", event_input.line(ctx.text, event_input.MAX_PLACE))


@coordinator.step(NewEventStep.CAPACITY)
async def got_capacity(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the number of seats."""
    return await _take(ctx, authority, "capacity", event_input.capacity(ctx.text))


def _iso(value: datetime | Problem) -> str | Problem:
    return value.isoformat() if isinstance(value, datetime) else value


async def _take(ctx: Ctx, authority: Authority, field: str, value: Any) -> list[Reply]:
    """Keep a valid answer and move on, or ask again saying why not."""
    if isinstance(value, Problem):
        return await next_question(ctx, authority, value)
    ctx.goto(NewEventStep.CHOOSE, **{field: value})
    return await next_question(ctx, authority)


@coordinator.callback(FormChoice)
async def chose(ctx: Ctx, authority: Authority, choice: FormChoice) -> list[Reply]:
    """Take a button answer or a skip, checking a regional coordinator's reach."""
    if asking(ctx) != choice.field or (choice.value is None and choice.field not in SKIPPABLE):
        raise Stale(choice.field)
    value: str | int | None = choice.value
    if choice.field == "kind" and choice.value not in set(EventKind):
        raise Stale(choice.value)
    if choice.field == "region":
        if choice.value not in (*await regions(ctx.session), NATIONAL):
            raise Stale(choice.value)
        if not authority.tracks:
            await require_reach(ctx, authority, "newevent", region=_region(choice.value))
    if choice.field == "track":
        track = None
        if choice.value is not None:
            if not choice.value.isdigit():
                raise Stale(choice.value)
            track = await ctx.session.get(Track, int(choice.value))
            if track is None:
                raise Stale(choice.value)
        region = _region(ctx.data["region"])
        await require_reach(
            ctx, authority, "newevent", region=region, track=track.slug if track else None
        )
        value = track.id if track else None
    ctx.goto(NewEventStep.CHOOSE, **{choice.field: value})
    return await next_question(ctx, authority)


def _draft(ctx: Ctx) -> Event:
    """The event the answers describe, not yet in the database."""
    data = ctx.data
    content: dict[str, dict[str, str]] = {"he": {"title": data["title_he"]}}
    if data["title_en"]:
        content["en"] = {"title": data["title_en"]}
    if data["place"]:
        for fields in content.values():
            fields["place"] = data["place"]
    return Event(
        content=content,
        kind=EventKind(data["kind"]),
        region=_region(data["region"]),
        track_id=data["track"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]) if data["ends_at"] else None,
        capacity=data["capacity"],
        taken=0,
        status=EventStatus.PUBLISHED,  # so the preview shows what people will see
        reminder_offsets=[1440, 120],
    )


async def preview(ctx: Ctx, problem: Problem | None = None) -> list[Reply]:
    """The card as people will see it, with publish and keep as a draft."""
    shown = await card(ctx, _draft(ctx))
    buttons = [
        [Button(ctx.t("newevent.publish"), FormSave(True).pack())],
        [Button(ctx.t("newevent.save_draft"), FormSave(False).pack())],
    ]
    ctx.goto(NewEventStep.CHOOSE)
    text = f"{ctx.t('newevent.preview')}\n\n{shown.text}"
    if problem is not None:
        text = f"{ctx.t(problem.key, **problem.values)}\n{text}"
    return [Reply(text, buttons=buttons)]


@coordinator.callback(FormSave)
async def save(ctx: Ctx, authority: Authority, choice: FormSave) -> list[Reply]:
    """Create the event, published or as a draft, and audit it."""
    if ctx.data.get("form") != "newevent" or asking(ctx) is not None:
        raise Stale("newevent")
    event = _draft(ctx)
    if event.starts_at <= ctx.now:  # the form stayed open past the start it names
        ctx.state.data = {k: v for k, v in ctx.data.items() if k not in ("starts_at", "ends_at")}
        return await next_question(ctx, authority, Problem("event_input.past", {}))
    track = await ctx.session.get(Track, event.track_id) if event.track_id else None
    await require_reach(
        ctx, authority, "newevent", region=event.region, track=track.slug if track else None
    )
    event.slug = f"{event.starts_at:%Y%m%d}-{secrets.token_hex(4)}"
    event.status = EventStatus.PUBLISHED if choice.publish else EventStatus.DRAFT
    ctx.session.add(event)
    await ctx.session.flush()
    await audit(
        ctx.session,
        authority.person_id,
        "event.create",
        f"event:{event.slug}",
        status=event.status.value,
        region=event.region,
        starts_at=event.starts_at.isoformat(),
    )
    ctx.end()
    key = "newevent.published" if choice.publish else "newevent.saved_draft"
    return [await overview(ctx, event, ctx.t(key, slug=event.slug))]
