"""The response team's questions and leads within reach, as an Excel workbook (every channel)
or CSV (where the channel delivers it), by the same rules as the registrations export."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.inbox import InboxExport
from handlers.coordinators.roster import rows_csv
from handlers.coordinators.roster_xlsx import XLSX, sheet_xlsx
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Attachment, Reply
from locales.dates import local
from models.audit import audit
from models.catalog import Event, Track
from models.localized import localized
from models.people import Person
from models.questions import Thread, ThreadKind, first_words
from models.registrations import Lead
from models.roles import Authority
from models.team_routing import reach

coordinator = CoordinatorRouter("inbox_export")

COLUMNS = (
    "id", "kind", "status", "created", "first_answer", "region", "track", "event", "name",
    "phone", "verified", "consent", "language", "text",
)  # fmt: skip
WIDTHS = {"created": 17, "first_answer": 17, "track": 24, "event": 24, "name": 22, "text": 60}
CSV = "text/csv"


@coordinator.callback(InboxExport)
async def export(ctx: Ctx, authority: Authority, choice: InboxExport) -> list[Reply]:
    """Every question or lead within reach, done ones too, as a file."""
    if choice.kind not in {kind.value for kind in ThreadKind}:
        raise Stale(choice.kind)
    as_csv = choice.csv and ctx.takes_any_file
    threads = list(
        await ctx.session.scalars(
            select(Thread).where(Thread.kind == choice.kind, reach(authority)).order_by(Thread.id)
        )
    )
    rows = [await _cells(ctx, thread) for thread in threads]
    heading = [ctx.t(f"inbox.export.{column}") for column in COLUMNS]
    name = f"{choice.kind}s.{'csv' if as_csv else 'xlsx'}"
    if as_csv:
        data, mime = rows_csv(heading, rows), CSV
    else:
        widths = [WIDTHS.get(column, 12) for column in COLUMNS]
        title = ctx.t(f"inbox.export.sheet.{choice.kind}")
        data, mime = sheet_xlsx(ctx.t, title, heading, [list(r) for r in rows], widths), XLSX
    await audit(
        ctx.session,
        authority.person_id,
        "inbox.export",
        choice.kind,
        rows=len(rows),
        format="csv" if as_csv else "xlsx",
    )
    text = ctx.t("inbox.export.done", count=len(rows))
    return [Reply(text, attachments=[Attachment(name, mime, data)])]


async def _cells(ctx: Ctx, thread: Thread) -> tuple[object, ...]:
    """One item's cells, in COLUMNS order."""

    def stamp(value: datetime | None) -> datetime | None:
        return (
            local(value, ctx.config.timezone).replace(tzinfo=None, microsecond=0) if value else None
        )

    track = await ctx.session.get(Track, thread.track_id) if thread.track_id else None
    event = await ctx.session.get(Event, thread.event_id) if thread.event_id else None
    lead = await ctx.session.get(Lead, thread.lead_id) if thread.lead_id else None
    person = await ctx.session.get(Person, thread.person_id) if thread.person_id else None
    return (
        thread.id,
        ctx.t(f"team.kind.{thread.kind}"),
        ctx.t(f"inbox.status.{thread.status}"),
        stamp(thread.created_at),
        stamp(thread.first_answer_at),
        thread.region or "",
        localized(track.content, "title", ctx.locale) if track else "",
        localized(event.content, "title", ctx.locale) if event else "",
        (lead.name if lead else None) or (person.name if person else "") or "",
        (lead.phone if lead else None) or "",
        ctx.t("inbox.export.yes") if lead and lead.phone_verified else "",
        stamp(lead.consent_at) if lead else None,
        thread.locale,
        await first_words(ctx.session, thread.id),
    )
