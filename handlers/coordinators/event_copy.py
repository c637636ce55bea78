"""Copy an event from /manage_events: a draft with the same texts, place, seats, minimum,
sessions and questions, for the coordinator to retime and publish; registrations stay behind."""

from __future__ import annotations

from sqlalchemy import exists, select

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import Manage, managed_event, overview
from handlers.coordinators.event_tools import CopyEvent
from handlers.core.context import Ctx
from handlers.core.types import Button, Reply
from handlers.people.events import title
from models.audit import audit
from models.catalog import Event, EventStatus
from models.event_questions import EventQuestion, questions_of
from models.roles import Authority
from models.sessions import EventSession, sessions_of

coordinator = CoordinatorRouter("event_copy")

COPIED = (
    "kind",
    "region",
    "track_id",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "min_participants",
    "decide_by",
    "reminder_offsets",
)
"""What a copy keeps; status (draft), seats taken and the import record start afresh."""


@coordinator.callback(CopyEvent)
async def copy_event(ctx: Ctx, authority: Authority, choice: CopyEvent) -> list[Reply]:
    """Ask first; then make the draft copy and show it for editing."""
    event = await managed_event(ctx, authority, choice.event_id, "copy")
    ctx.end()
    if not choice.sure:
        buttons = [
            [Button(ctx.t("copy.yes"), CopyEvent(event.id, True).pack())],
            [Button(ctx.t("manage_event.keep"), Manage(event.id).pack())],
        ]
        return [Reply(ctx.t("copy.sure", title=title(ctx, event)), buttons=buttons)]
    copy = Event(
        slug=await _free_slug(ctx, event.slug),
        content={lang: dict(fields) for lang, fields in event.content.items()},
        status=EventStatus.DRAFT,
        taken=0,
        **{name: getattr(event, name) for name in COPIED},
    )
    ctx.session.add(copy)
    await ctx.session.flush()
    for meeting in await sessions_of(ctx.session, event.id, scheduled_only=True):
        ctx.session.add(
            EventSession(event_id=copy.id, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
        )
    for question in await questions_of(ctx.session, event.id):
        ctx.session.add(
            EventQuestion(
                event_id=copy.id,
                slug=question.slug,
                position=question.position,
                kind=question.kind,
                required=question.required,
                content=question.content,
                options=question.options,
            )
        )
    await ctx.session.flush()
    await audit(
        ctx.session, authority.person_id, "event.copy", f"event:{copy.slug}", source=event.slug
    )
    return [await overview(ctx, copy, ctx.t("copy.done"))]


async def _free_slug(ctx: Ctx, slug: str) -> str:
    """`slug-2`, `slug-3`… the first no event has, within the column's 48 characters."""
    number = 2
    while True:
        candidate = f"{slug[: 47 - len(str(number))]}-{number}"
        if not await ctx.session.scalar(select(exists().where(Event.slug == candidate))):
            return candidate
        number += 1
