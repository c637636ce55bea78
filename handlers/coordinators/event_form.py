"""/newevent: a coordinator creates an event through a guided form, one question per field,
then sees the card people will see and publishes it or keeps it as a draft.

/newevent → TITLE_HE
TITLE_HE   a title                  → TITLE_EN
TITLE_EN   a title, or skip         → KIND
KIND       FormChoice               → REGION
REGION     FormChoice               → TRACK (a regional coordinator: their regions only)
TRACK      FormChoice, or skip      → STARTS_AT
STARTS_AT  a date and time          → ENDS_AT
ENDS_AT    an end time or a length  → PLACE
PLACE      a place, or skip         → CAPACITY
CAPACITY   a number (0: no limit)   → PREVIEW, the card as people will see it
PREVIEW    FormSave                 → the event, published or a draft (flow ends); with a
                                      start now past → STARTS_AT → ENDS_AT → PREVIEW
(any step) anything else            → what was wrong, or the buttons again; the same step
(skip: FormChoice without a value; the answers are taken in event_form_answers)

The step says which answer the form waits for, so a button for another one (old, doubled or
forged) is stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.coordinators.event_manage import overview
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.types import Button, Reply
from handlers.inputs.event_input import Problem
from handlers.people.events import card
from models.audit import audit
from models.catalog import Event, EventKind, EventStatus, Track
from models.discovery import NATIONAL, region_label, region_questions, region_values
from models.localized import localized
from models.roles import Authority

coordinator = CoordinatorRouter("event_form")


class NewEventStep(StrEnum):
    """The form's questions in the order they are asked, each named after the answer it
    waits for; then PREVIEW waits for publish or draft."""

    TITLE_HE = "newevent.title_he"
    TITLE_EN = "newevent.title_en"
    KIND = "newevent.kind"
    REGION = "newevent.region"
    TRACK = "newevent.track"
    STARTS_AT = "newevent.starts_at"
    ENDS_AT = "newevent.ends_at"
    PLACE = "newevent.place"
    CAPACITY = "newevent.capacity"
    PREVIEW = "newevent.preview"

    @property
    def field(self) -> str:
        """The answer this step waits for (NewEvent's field, and the key of its question)."""
        return self.value.removeprefix("newevent.")


ORDER = tuple(NewEventStep)
CHOICES = frozenset({NewEventStep.KIND, NewEventStep.REGION, NewEventStep.TRACK})
"""Answered by a button only."""
SKIPPABLE = frozenset({NewEventStep.TITLE_EN, NewEventStep.TRACK, NewEventStep.PLACE})
"""Numbers are typed with no buttons beside them: text-only channels read "1" as option 1."""
OLD_CHOOSE = "newevent.choose"
"""Where versions before December 2026 kept every button question and the preview alike."""


@dataclass(frozen=True)
class NewEvent(FlowData):
    """The answers so far; None where a question was skipped or is still to come."""

    title_he: str = ""
    title_en: str | None = None
    kind: str = ""
    region: str = ""
    """A region, or NATIONAL."""
    track: int | None = None
    starts_at: str = ""
    ends_at: str | None = None
    """ISO 8601 with the offset."""
    place: str | None = None
    capacity: int | None = None
    previewed: bool = False
    """The preview was shown: a start asked again (it had passed) leads back to it."""

    @classmethod
    def load(cls, stored: Mapping[str, Any]) -> Self:
        if "previewed" not in stored:  # saved before typed flow data: capacity came last
            stored = {**stored, "previewed": "capacity" in stored}
        return super().load(stored)


@dataclass(frozen=True)
class FormChoice(CallbackData, prefix="nef"):
    """A button answer (`field` is kind, region or track) or a skip (`value` empty)."""

    field: str
    value: str | None = None


@dataclass(frozen=True)
class FormSave(CallbackData, prefix="nes"):
    publish: bool


@coordinator.renamed_step(OLD_CHOOSE)
def resumed(ctx: Ctx) -> NewEventStep:
    """The step a form saved at OLD_CHOOSE waits at: the first button question unanswered, or
    the preview once the start (asked after them) is known."""
    data = ctx.flow(NewEvent)
    if not data.kind:
        return NewEventStep.KIND
    if not data.region:
        return NewEventStep.REGION
    return NewEventStep.PREVIEW if data.starts_at else NewEventStep.TRACK


@coordinator.command("newevent")
async def new_event(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Open a fresh form, leaving any flow in progress."""
    ctx.goto(NewEventStep.TITLE_HE, NewEvent())
    return await ask(ctx, authority)


@coordinator.reask(*NewEventStep)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The form's current question, or its preview, again (after a change of language)."""
    return await ask(ctx, authority)


async def ask(ctx: Ctx, authority: Authority, problem: Problem | None = None) -> list[Reply]:
    """The current step's question (after saying what was wrong), or the preview."""
    step = NewEventStep(str(ctx.state.step))
    if step == NewEventStep.PREVIEW:
        return await preview(ctx, problem)
    buttons: list[list[Button]] = []
    if step in CHOICES:
        options = await _options(ctx, authority, step)
        buttons = [
            [Button(label, FormChoice(step.field, value).pack())] for value, label in options
        ]
    if step in SKIPPABLE:
        buttons.append(
            [Button(ctx.t(f"newevent.skip.{step.field}"), FormChoice(step.field).pack())]
        )
    text = ctx.t(f"newevent.ask.{step.field}")
    if problem is not None:
        text = f"{ctx.t(problem.key, **problem.values)}\n{text}"
    return [Reply(text, buttons=buttons)]


async def answered(ctx: Ctx, authority: Authority, data: NewEvent) -> list[Reply]:
    """Keep the answers and ask the question after the current one (the end after a new
    start, then the preview again if it was shown)."""
    step = NewEventStep(str(ctx.state.step))
    following = ORDER[ORDER.index(step) + 1]
    if data.previewed and step != NewEventStep.STARTS_AT:
        following = NewEventStep.PREVIEW
    ctx.goto(following, data)
    return await ask(ctx, authority)


async def _options(ctx: Ctx, authority: Authority, step: NewEventStep) -> list[tuple[str, str]]:
    """Button values and labels: a regional coordinator sees only what they may choose."""
    if step == NewEventStep.KIND:
        return [(kind.value, ctx.t(f"events.kind.{kind.value}")) for kind in EventKind]
    if step == NewEventStep.REGION:
        everywhere = authority.national or authority.tracks  # a track may be anywhere
        questions = await region_questions(ctx.session)
        known = region_values(questions)
        offered = [*known, NATIONAL] if everywhere else [r for r in known if r in authority.regions]
        return [(region, region_label(questions, region, ctx.t)) for region in offered]
    tracks = await ctx.session.scalars(select(Track).where(Track.active).order_by(Track.id))
    region = region_of(ctx.flow(NewEvent).region)
    return [
        (str(track.id), localized(track.content, "title", ctx.locale))
        for track in tracks
        if authority.covers(region=region, track=track.slug)
    ]


def region_of(value: str) -> str | None:
    """The event's region for a region answer (None: national)."""
    return None if value == NATIONAL else value


def _draft(data: NewEvent) -> Event:
    """The event the answers describe, not yet in the database."""
    content: dict[str, dict[str, str]] = {"he": {"title": data.title_he}}
    if data.title_en:
        content["en"] = {"title": data.title_en}
    if data.place:
        for fields in content.values():
            fields["place"] = data.place
    return Event(
        content=content,
        kind=EventKind(data.kind),
        region=region_of(data.region),
        track_id=data.track,
        starts_at=datetime.fromisoformat(data.starts_at),
        ends_at=datetime.fromisoformat(data.ends_at) if data.ends_at else None,
        capacity=data.capacity,
        taken=0,
        status=EventStatus.PUBLISHED,  # so the preview shows what people will see
        reminder_offsets=[1440, 120],
    )


async def preview(ctx: Ctx, problem: Problem | None = None) -> list[Reply]:
    """The card as people will see it, with publish and keep as a draft."""
    data = ctx.flow(NewEvent)
    shown = await card(ctx, _draft(data))
    buttons = [
        [Button(ctx.t("newevent.publish"), FormSave(True).pack())],
        [Button(ctx.t("newevent.save_draft"), FormSave(False).pack())],
    ]
    ctx.goto(NewEventStep.PREVIEW, replace(data, previewed=True))
    text = f"{ctx.t('newevent.preview')}\n\n{shown.text}"
    if problem is not None:
        text = f"{ctx.t(problem.key, **problem.values)}\n{text}"
    return [Reply(text, buttons=buttons)]


@coordinator.callback(FormSave, step=NewEventStep.PREVIEW)
async def save(ctx: Ctx, authority: Authority, choice: FormSave) -> list[Reply]:
    """Create the event, published or as a draft, and audit it."""
    data = ctx.flow(NewEvent)
    event = _draft(data)
    if event.starts_at <= ctx.now:  # the form stayed open past the start it names
        ctx.goto(NewEventStep.STARTS_AT, replace(data, starts_at="", ends_at=None))
        return await ask(ctx, authority, Problem("event_input.past", {}))
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
