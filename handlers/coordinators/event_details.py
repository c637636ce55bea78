"""An event's further details from /manage_events: the description in Hebrew and English, the
place in English, the registration deadline, and the minimum of participants with its go/no-go
date (scheduler.go_no_go asks about it). Each is one typed answer; "-" clears it.

EventDetail(event) → the details with their values; EventDetail(event, detail) → VALUE
VALUE  a valid value, or "-" → saved, the details shown again (flow ends)
VALUE  anything else         → what is wrong; VALUE again
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import Manage, managed_event
from handlers.coordinators.event_tools import EventDetail
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from handlers.people.events import title
from locales.dates import format_date_time
from models.audit import audit
from models.catalog import Event
from models.roles import Authority

coordinator = CoordinatorRouter("event_details")

MAX_DESCRIPTION = 1500
CLEAR = "-"


class Detail(StrEnum):
    """The details this tool edits, each asked and saved the same way."""

    DESCRIPTION_HE = "description_he"
    DESCRIPTION_EN = "description_en"
    PLACE_EN = "place_en"
    DEADLINE = "deadline"
    MINIMUM = "minimum"
    DECIDE_BY = "decide_by"


class DetailStep(StrEnum):
    """VALUE: waiting for the typed value of the detail named in the flow's data."""

    VALUE = "event_details.value"


@dataclass(frozen=True)
class Detailing(FlowData):
    """The event and the detail (a Detail's value) being typed."""

    event_id: int = 0
    field: str = ""


def _shown(ctx: Ctx, event: Event, detail: Detail) -> str:
    """The detail's current value, short, or a dash."""
    zone = ctx.config.timezone
    value: object = {
        Detail.DESCRIPTION_HE: event.content.get("he", {}).get("description"),
        Detail.DESCRIPTION_EN: event.content.get("en", {}).get("description"),
        Detail.PLACE_EN: event.content.get("en", {}).get("place"),
        Detail.DEADLINE: event.registration_closes_at
        and format_date_time(event.registration_closes_at, ctx.locale, zone),
        Detail.MINIMUM: event.min_participants,
        Detail.DECIDE_BY: event.decide_by and format_date_time(event.decide_by, ctx.locale, zone),
    }[detail]
    text = str(value) if value else "—"
    return text if len(text) <= 60 else text[:59] + "…"


@coordinator.callback(EventDetail)
async def details(ctx: Ctx, authority: Authority, choice: EventDetail) -> list[Reply]:
    """The details with their values, or the question for one of them."""
    event = await managed_event(ctx, authority, choice.event_id, "details")
    ctx.end()
    if choice.field:
        try:
            detail = Detail(choice.field)
        except ValueError as unknown:
            raise Stale(choice.field) from unknown
        ctx.goto(DetailStep.VALUE, Detailing(event.id, detail.value))
        back = [[Button(ctx.t("manage_event.keep"), EventDetail(event.id).pack())]]
        return [Reply(ctx.t(f"details.ask.{detail}"), buttons=back)]
    lines = [ctx.t("details.title", title=title(ctx, event))]
    buttons = []
    for detail in Detail:
        label = ctx.t(f"details.{detail}")
        lines.append(f"• {label}: {_shown(ctx, event, detail)}")
        buttons.append([Button(label, EventDetail(event.id, detail.value).pack())])
    buttons.append([Button(ctx.t("series.back"), Manage(event.id).pack())])
    return [Reply("\n".join(lines), buttons=buttons)]


@coordinator.reask(DetailStep.VALUE)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The detail's question again."""
    data = ctx.flow(Detailing)
    return await details(ctx, authority, EventDetail(data.event_id, data.field))


@coordinator.step(DetailStep.VALUE)
async def got_value(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Check and save the typed value, then show the details again."""
    data = ctx.flow(Detailing)
    event = await managed_event(ctx, authority, data.event_id, "details")
    detail = Detail(data.field)
    before = _shown(ctx, event, detail)
    problem = _apply(ctx, event, detail, ctx.text)
    if problem is not None:
        return [Reply(ctx.t(problem.key, **problem.values))]
    if detail in (Detail.MINIMUM, Detail.DECIDE_BY):
        event.decision_asked_at = None  # a new minimum or date is asked about afresh
    await audit(
        ctx.session,
        authority.person_id,
        "event.edit",
        f"event:{event.slug}",
        field=detail.value,
        before=before,
        after=_shown(ctx, event, detail),
    )
    ctx.end()
    replies = await details(ctx, authority, EventDetail(event.id))
    return [Reply(ctx.t("manage_event.saved")), *replies]


def _apply(ctx: Ctx, event: Event, detail: Detail, text: str) -> Problem | None:
    """Set the detail from `text` ("-" clears it), or say what is wrong."""
    if detail in (Detail.DESCRIPTION_HE, Detail.DESCRIPTION_EN, Detail.PLACE_EN):
        lang = "he" if detail == Detail.DESCRIPTION_HE else "en"
        name = "place" if detail == Detail.PLACE_EN else "description"
        if text == CLEAR and detail != Detail.DESCRIPTION_HE:
            value: str | None = None
        else:
            limit = event_input.MAX_PLACE if name == "place" else MAX_DESCRIPTION
            read = event_input.line(text, limit) if name == "place" else _paragraph(text, limit)
            if isinstance(read, Problem):
                return read
            value = read
        content = {lang: dict(fields) for lang, fields in event.content.items()}
        fields = content.setdefault(lang, {})
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
        event.content = {lang: fields for lang, fields in content.items() if fields}
        return None
    if detail == Detail.MINIMUM:
        if text == CLEAR:
            event.min_participants = None
            return None
        number = event_input.capacity(text)
        if isinstance(number, Problem) or number is None:
            return Problem("details.bad_minimum")
        if event.capacity is not None and number > event.capacity:
            return Problem("details.above_capacity", {"capacity": event.capacity})
        event.min_participants = number
        return None
    if text == CLEAR:
        setattr(event, _column(detail), None)
        return None
    moment = event_input.start(text, ctx.now, ctx.config.timezone)
    if isinstance(moment, Problem):
        return moment
    if moment >= event.starts_at:
        return Problem("details.after_start")
    setattr(event, _column(detail), moment)
    return None


def _column(detail: Detail) -> str:
    return "registration_closes_at" if detail == Detail.DEADLINE else "decide_by"


def _paragraph(text: str, limit: int) -> str | Problem:
    """A description: lines kept, at most `limit` characters, with some letters."""
    kept = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    if len(kept) > limit:
        return Problem("event_input.too_long", {"limit": limit, "length": len(kept)})
    if not any(ch.isalpha() for ch in kept):
        return Problem("event_input.no_letters")
    return kept
