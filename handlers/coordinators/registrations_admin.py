"""/registrations: a coordinator picks an event within reach, sees who is coming and who has
arrived, page by page, and takes the list away as an Excel file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, select

from handlers.coordinators.coordinator import CoordinatorRouter, require_event
from handlers.coordinators.roster import Counts, counts, entries, export_filename, status_label
from handlers.coordinators.roster_extras import with_extras
from handlers.coordinators.roster_xlsx import XLSX, roster_xlsx
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.pages import window
from handlers.core.router import Stale
from handlers.core.types import Attachment, Button, Reply
from handlers.people.events import day, title, when
from locales.dates import local
from models.audit import audit
from models.catalog import Event, EventStatus
from models.roles import Authority
from models.sessions import still_ahead

coordinator = CoordinatorRouter("registrations_admin")

EVENTS_PAGE = 8
PEOPLE_PAGE = 20
"""Twenty lines of at most ~130 characters keep a page far below Telegram's 4,096."""
MAX_NAME = 60
RECENT = timedelta(days=14)
"""Events that ended lately stay listed, for check-in stragglers and the final export."""


@dataclass(frozen=True)
class RosterEvents(CallbackData, prefix="rga"):
    page: int = 0


@dataclass(frozen=True)
class RosterShow(CallbackData, prefix="rgs"):
    event_id: int
    page: int = 0


@dataclass(frozen=True)
class RosterExport(CallbackData, prefix="rgx"):
    event_id: int


def within_reach(ctx: Ctx, authority: Authority) -> Select[Event]:
    """Published or cancelled events from a fortnight ago on that this coordinator manages."""
    return (
        select(Event)
        .where(
            Event.status != EventStatus.DRAFT,
            still_ahead(ctx.now - RECENT),
            authority.events(),
        )
        .order_by(Event.starts_at, Event.id)
    )


async def events_within_reach(ctx: Ctx, authority: Authority) -> list[Event]:
    return list((await ctx.session.scalars(within_reach(ctx, authority))).all())


async def managed_event(ctx: Ctx, authority: Authority, action: str, event_id: int) -> Event:
    """The event a button names, if it still exists and lies within reach (else refused)."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        raise Stale(event_id)
    await require_event(ctx, authority, action, event)
    return event


@coordinator.command("registrations")
async def registrations_command(ctx: Ctx, authority: Authority) -> list[Reply]:
    """List the events within reach, to pick one whose registrations to see."""
    return await pick_event(ctx, authority, RosterEvents())


@coordinator.callback(RosterEvents)
async def pick_event(ctx: Ctx, authority: Authority, choice: RosterEvents) -> list[Reply]:
    """Show one page of the events within reach, each opening its registrations."""
    ctx.end()
    query = within_reach(ctx, authority)
    total = int(await ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if not total:
        return [Reply(ctx.t("roster.no_events"))]
    number, pages, start = window(total, choice.page, EVENTS_PAGE)
    page = await ctx.session.scalars(query.offset(start).limit(EVENTS_PAGE))
    buttons = [[Button(f"{title(ctx, e)} · {day(ctx, e)}", RosterShow(e.id).pack())] for e in page]
    if pages > 1:
        buttons.append(
            [
                Button(ctx.t("roster.previous"), RosterEvents((number - 1) % pages).pack()),
                Button(ctx.t("roster.more"), RosterEvents((number + 1) % pages).pack()),
            ]
        )
    return [Reply(ctx.t.n("roster.pick_event", total), buttons=buttons)]


@coordinator.callback(RosterShow)
async def show_roster(ctx: Ctx, authority: Authority, choice: RosterShow) -> list[Reply]:
    """The event's counts and one page of its registrations, with paging and the export."""
    event = await managed_event(ctx, authority, "registrations.view", choice.event_id)
    numbers = await counts(ctx.session, event)
    pages = max(1, -(-numbers.current // PEOPLE_PAGE))
    page = min(max(choice.page, 0), pages - 1)
    start = page * PEOPLE_PAGE
    rows = await entries(ctx.session, event, offset=start, limit=PEOPLE_PAGE)
    _, rows = await with_extras(ctx.session, ctx.t, event, rows, ctx.now)
    lines = [f"📋 {title(ctx, event)}", when(ctx, event), summary(ctx, numbers)]
    if rows:
        lines.append(ctx.t("roster.page", page=page + 1, pages=pages))
    else:
        lines.append(ctx.t("roster.empty"))
    for number, entry in enumerate(rows, start=start + 1):
        person, registration = entry.person, entry.registration
        name = (person.name or "—")[:MAX_NAME] if person else ctx.t("roster.deleted")
        line = f"{number}. {name} · {(person.phone if person else None) or '—'}"
        line += f" · {status_label(ctx.t, registration)}"
        if registration.checked_in_at:
            arrived = f"{local(registration.checked_in_at, ctx.config.timezone):%H:%M}"
            line += " · " + ctx.t("roster.arrived", time=arrived)
        for cell in entry.extra:
            line += f" · {cell[:MAX_NAME]}" if cell else ""
        lines.append(line)
    await audit(
        ctx.session, authority.person_id, "registrations.view", f"event:{event.slug}", page=page
    )
    buttons = []
    if pages > 1:  # both always, wrapping around, so their numbers never move between pages
        buttons.append(
            [
                Button(ctx.t("roster.previous"), RosterShow(event.id, (page - 1) % pages).pack()),
                Button(ctx.t("roster.next"), RosterShow(event.id, (page + 1) % pages).pack()),
            ]
        )
    if rows:
        buttons.append([Button(ctx.t("roster.export"), RosterExport(event.id).pack())])
    buttons.append([Button(ctx.t("roster.back"), RosterEvents().pack())])
    return [Reply("\n".join(lines), buttons=buttons)]


def summary(ctx: Ctx, numbers: Counts) -> str:
    """The counts in one line, as a coordinator at the door wants them."""
    seats = "∞" if numbers.seats_left is None else str(numbers.seats_left)
    return ctx.t(
        "roster.summary",
        confirmed=numbers.confirmed,
        waitlisted=numbers.waitlisted,
        offered=numbers.offered,
        checked_in=numbers.checked_in,
        seats=seats,
    )


@coordinator.callback(RosterExport)
async def export(ctx: Ctx, authority: Authority, choice: RosterExport) -> list[Reply]:
    """Send the registrations as an Excel file; personal data leaving the bot is audited."""
    event = await managed_event(ctx, authority, "registrations.export", choice.event_id)
    rows = await entries(ctx.session, event)
    extra, rows = await with_extras(ctx.session, ctx.t, event, rows, ctx.now)
    t, timezone = ctx.t, ctx.config.timezone
    await audit(
        ctx.session,
        authority.person_id,
        "registrations.export",
        f"event:{event.slug}",
        rows=len(rows),
        source="chat",
    )
    # Written after the transaction commits (the rows are loaded): a big roster holds no lock.
    attachment = Attachment(
        export_filename(event, "xlsx"), XLSX, later=lambda: roster_xlsx(t, timezone, rows, extra)
    )
    back = [[Button(ctx.t("roster.back_to_event"), RosterShow(event.id).pack())]]
    text = ctx.t.n("roster.exported", len(rows), title=title(ctx, event))
    return [Reply(text, buttons=back, attachments=[attachment])]
