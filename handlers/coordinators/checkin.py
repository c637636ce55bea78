"""/checkin CODE: a coordinator at the door checks people in by the code on their ticket, and
sees how many of those registered have arrived.

/checkin [CODE] → ASK_CODE
ASK_CODE  a code → checked in or told why not; ASK_CODE again for the next code
ASK_CODE  /cancel → how many this session checked in (flow ends)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update

from handlers.coordinators.coordinator import CoordinatorRouter, require_event
from handlers.coordinators.roster import counts, status_label
from handlers.coordinators.session_checkin import check_in_session, window
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.types import Reply
from handlers.people.events import title
from locales.dates import format_date_time
from models.audit import audit
from models.catalog import Event, EventStatus
from models.people import Person
from models.registration_service import CODE_ALPHABET, CODE_LENGTH
from models.registrations import Registration, RegistrationStatus
from models.roles import Authority
from models.sessions import has_sessions

coordinator = CoordinatorRouter("checkin")


class CheckinStep(StrEnum):
    """ASK_CODE: waiting for a ticket's code; the flow stays here after each code, so a desk can
    check in one person after another, until /cancel or another command. The first code checked
    in ties the session to its event: codes of any other event are refused by name."""

    ASK_CODE = "checkin.ask_code"


@dataclass(frozen=True)
class Desk(FlowData):
    """The event this session checks people in to (set by the first code) and how many so far."""

    event_id: int | None = None
    checked: int = 0


def normalise(text: str) -> str | None:
    """The code as issued, forgiving case, spaces and dashes; None if it cannot be one."""
    code = "".join(ch for ch in text.upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


@coordinator.command("checkin")
async def checkin_command(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Start a check-in session: check in the code given with the command, or ask for one."""
    ctx.end()
    ctx.goto(CheckinStep.ASK_CODE)
    if not ctx.args:
        return [Reply(ctx.t("checkin.ask"))]
    return await check_in(ctx, authority, ctx.args)


@coordinator.reask(CheckinStep.ASK_CODE)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the next code (after a change of language)."""
    return [Reply(ctx.t("checkin.ask"))]


@coordinator.step(CheckinStep.ASK_CODE)
async def got_code(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Check in the typed code and wait for the next one."""
    return await check_in(ctx, authority, ctx.text)


async def check_in(ctx: Ctx, authority: Authority, typed: str) -> list[Reply]:
    """Mark the registration behind `typed` as arrived, or say clearly why not."""
    code = normalise(typed)
    found = None
    if code is not None:
        found = (
            await ctx.session.execute(
                select(Registration, Event, Person)
                .join(Event, Event.id == Registration.event_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .where(Registration.checkin_code == code)
            )
        ).first()
    if found is None:
        await audit(ctx.session, authority.person_id, "checkin", None, result="unknown")
        shown = " ".join(typed.split())[: CODE_LENGTH * 2] or "—"
        return [Reply(ctx.t("checkin.unknown", code=shown))]
    registration, event, person = found
    await require_event(ctx, authority, "checkin", event)
    target = f"registration:{registration.id}"
    name = (person.name or "—") if person else ctx.t("roster.deleted")
    if event.status == EventStatus.CANCELLED:
        await audit(ctx.session, authority.person_id, "checkin", target, result="event_cancelled")
        return [Reply(ctx.t("checkin.event_cancelled", title=title(ctx, event)))]
    desk = ctx.flow(Desk)
    session_event = desk.event_id
    if session_event is not None and session_event != event.id:
        current = await ctx.session.get(Event, session_event)
        await audit(ctx.session, authority.person_id, "checkin", target, result="other_event")
        here = title(ctx, current) if current else "—"
        return [Reply(ctx.t("checkin.other_event", code_event=title(ctx, event), title=here))]
    if await has_sessions(ctx.session, event.id):
        status = status_label(ctx.t, registration)
        replies, checked = await check_in_session(ctx, authority, registration, event, name, status)
        if checked:
            ctx.goto(CheckinStep.ASK_CODE, Desk(event.id, desk.checked + 1))
        return replies
    opens, closes = window(event, ctx.config)
    if not opens <= ctx.now <= closes:
        result = "too_early" if ctx.now < opens else "over"
        await audit(ctx.session, authority.person_id, "checkin", target, result=result)
        at = format_date_time(opens, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t(f"checkin.{result}", title=title(ctx, event), opens=at))]
    arrived = await ctx.session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.checked_in_at.is_(None),
        )
        .values(checked_in_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    # Two desks may scan the same ticket at once: only one update wins, the other reports it.
    await ctx.session.refresh(registration)
    status = status_label(ctx.t, registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        await audit(ctx.session, authority.person_id, "checkin", target, result="not_confirmed")
        text = ctx.t("checkin.not_confirmed", name=name, title=title(ctx, event), status=status)
        return [Reply(text)]
    numbers = await counts(ctx.session, event)
    tally = ctx.t(
        "checkin.tally",
        title=title(ctx, event),
        checked_in=numbers.checked_in,
        confirmed=numbers.confirmed,
    )
    if arrived.rowcount != 1 and registration.checked_in_at:  # type: ignore[attr-defined]
        await audit(ctx.session, authority.person_id, "checkin", target, result="already")
        at = format_date_time(registration.checked_in_at, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t("checkin.already", name=name, when=at, tally=tally))]
    await audit(
        ctx.session, authority.person_id, "checkin", target, result="checked_in", event=event.slug
    )
    ctx.goto(CheckinStep.ASK_CODE, Desk(event.id, desk.checked + 1))
    return [Reply(ctx.t("checkin.done", name=name, status=status, tally=tally))]


@coordinator.closing(CheckinStep.ASK_CODE)
def closing(ctx: Ctx) -> Reply:
    """Every check-in was saved as it was made: say how many this session made."""
    return Reply(ctx.t("checkin.closed", count=ctx.flow(Desk).checked))
