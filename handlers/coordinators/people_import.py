"""/import_people: a coordinator sends the list of role holders as a file (CSV or XLSX) in the
chat, sees what importing it would do — new people, people completed, rows refused and why —
and imports it on confirmation. The file is read and every row judged by the rules
`hagshama people import` uses (models.role_file, models.role_import); a regional coordinator
imports only people of their regions' kibbutzim. Imported people are "imported, not yet
consented": invitations by the WhatsApp opt-in template only, never marketing.

/import_people → FILE
FILE     a list            → CONFIRM, what importing it would do (nothing to import: FILE)
FILE     anything else     → what to send, or what is wrong with the file; FILE again
CONFIRM  ImportConfirm     → imported, judged again (flow ends)
CONFIRM  another file      → as at FILE: it replaces the one previewed
CONFIRM  typed text        → the buttons again
FILE, CONFIRM  ImportCancel → nothing imported (flow ends)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.types import Button, FileProblem, Reply
from models.audit import audit
from models.role_check import RoleCheck, check_rows
from models.role_file import MAX_BYTES, MAX_ROWS, RoleFileError, Row, read_rows
from models.role_import import import_role_holders
from models.roles import Authority

coordinator = CoordinatorRouter("people_import")

SHOWN_REFUSALS = 5
"""Refused rows named in the preview; the rest are counted."""
NOT_LISTS = ("image/", "audio/", "video/", "application/pdf")
"""Kinds of file refused before they are fetched: no list of people comes as these."""


class ImportStep(StrEnum):
    """Where /import_people waits (the module's table)."""

    FILE = "people_import.file"
    CONFIRM = "people_import.confirm"


@dataclass(frozen=True)
class ImportConfirm(CallbackData, prefix="pic"):
    pass


@dataclass(frozen=True)
class ImportCancel(CallbackData, prefix="pix"):
    pass


@dataclass(frozen=True)
class ImportFlow(FlowData):
    """The rows of the file previewed, kept until the coordinator confirms."""

    rows: tuple[dict[str, Any], ...] = ()
    accepted: int = 0
    """Rows the preview would import (the confirm button says so)."""


def _regions(authority: Authority) -> frozenset[str] | None:
    return None if authority.national else authority.regions


@coordinator.command("import_people")
async def start(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the file, saying what it must hold."""
    ctx.goto(ImportStep.FILE, ImportFlow())
    key = "people_import.ask" if authority.national else "people_import.ask_regional"
    text = ctx.t(key, megabytes=MAX_BYTES // (1024 * 1024), rows=f"{MAX_ROWS:,}")
    return [Reply(text, buttons=[[_cancel(ctx)]])]


@coordinator.step(ImportStep.FILE, files=True)
@coordinator.step(ImportStep.CONFIRM, files=True)
async def got_file(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read the file sent and preview the import; anything else is answered with what to send."""
    file = ctx.incoming.file
    if file is None and ctx.state.step == ImportStep.CONFIRM:
        buttons = [[_confirm(ctx, ctx.flow(ImportFlow).accepted)], [_cancel(ctx)]]
        return [Reply(ctx.t("people_import.use_buttons"), buttons=buttons)]
    if file is None:
        return [Reply(ctx.t("people_import.send_file"), buttons=[[_cancel(ctx)]])]
    rows = _rows(ctx)
    if isinstance(rows, str):
        # A file that replaced a previewed one drops that preview too.
        ctx.goto(ImportStep.FILE, ImportFlow())
        return [Reply(rows, buttons=[[_cancel(ctx)]])]
    check = await check_rows(ctx.session, rows, _regions(authority))
    lines = [ctx.t("people_import.preview", rows=len(rows), new=check.new, updated=check.updated)]
    lines += _refusals(ctx, check)
    if not check.accepted:
        ctx.goto(ImportStep.FILE, ImportFlow())
        lines.append(ctx.t("people_import.nothing"))
        return [Reply("\n".join(lines), buttons=[[_cancel(ctx)]])]
    accepted = len(check.accepted)
    ctx.goto(ImportStep.CONFIRM, ImportFlow(tuple(asdict(row) for row in rows), accepted))
    lines.append(ctx.t("people_import.consent_note"))
    return [Reply("\n".join(lines), buttons=[[_confirm(ctx, accepted)], [_cancel(ctx)]])]


def _rows(ctx: Ctx) -> list[Row] | str:
    """The rows of the file sent, or what to say about it."""
    megabytes = MAX_BYTES // (1024 * 1024)
    if ((ctx.incoming.file and ctx.incoming.file.mime) or "").startswith(NOT_LISTS):
        return ctx.t("people_import.not_a_list")
    data = ctx.file_data(MAX_BYTES)
    if data == FileProblem.TOO_LARGE:
        return ctx.t("people_import.file.too_large", megabytes=megabytes)
    if isinstance(data, FileProblem):
        return ctx.t("people_import.unavailable")
    try:
        return read_rows(data)
    except RoleFileError as exc:
        values = {"megabytes": megabytes, "rows": f"{MAX_ROWS:,}"}
        return ctx.t(f"people_import.file.{exc.reason}", **values)


def _refusals(ctx: Ctx, check: RoleCheck) -> list[str]:
    """The first refused rows by line and reason, and how many more."""
    if not check.refused:
        return []
    lines = [ctx.t("people_import.refused", count=len(check.refused))]
    lines += [
        ctx.t("people_import.refused_line", line=line, reason=ctx.t(f"people_import.why.{why}"))
        for line, why in check.refused[:SHOWN_REFUSALS]
    ]
    if len(check.refused) > SHOWN_REFUSALS:
        lines.append(ctx.t("people_import.more", count=len(check.refused) - SHOWN_REFUSALS))
    return lines


@coordinator.callback(ImportConfirm, step=ImportStep.CONFIRM)
async def confirm(ctx: Ctx, authority: Authority, choice: ImportConfirm) -> list[Reply]:
    """Import the rows previewed, judged again (people may have changed since the preview)."""
    rows = [Row(**row) for row in ctx.flow(ImportFlow).rows]
    result = await import_role_holders(ctx.session, rows, ctx.now, _regions(authority))
    await audit(
        ctx.session,
        authority.person_id,
        "people.import",
        None,
        source="chat",
        created=result.created,
        updated=result.updated,
        refused=[line for line, _ in result.refused],
    )
    ctx.end()
    text = ctx.t(
        "people_import.done",
        created=len(result.created),
        updated=len(result.updated),
        refused=len(result.refused),
    )
    return [Reply(text)]


@coordinator.callback(ImportCancel, step=(ImportStep.FILE, ImportStep.CONFIRM))
async def cancel(ctx: Ctx, authority: Authority, choice: ImportCancel) -> list[Reply]:
    """Stop the import, whether waiting for the file or for the confirmation."""
    ctx.end()
    return [Reply(ctx.t("people_import.cancelled"))]


def _confirm(ctx: Ctx, count: int) -> Button:
    return Button(ctx.t("people_import.confirm", count=count), ImportConfirm().pack())


def _cancel(ctx: Ctx) -> Button:
    return Button(ctx.t("people_import.cancel"), ImportCancel().pack())
