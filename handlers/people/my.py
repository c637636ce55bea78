"""My registrations: the list, one registration's actions, cancel (confirmed), the .ics again;
and my questions to the team still open."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.ask_reply import with_open_questions
from handlers.people.calendar import calendar_reply
from handlers.people.events import EventList, day, describe, title
from handlers.people.series import next_when
from handlers.people.waitlist import OfferAnswer, OfferNotices
from models.catalog import Event
from models.registration_service import CancelResult, active_registrations, cancel
from models.registrations import ACTIVE, Registration, RegistrationStatus

router = Router("my")


@dataclass(frozen=True)
class MyList(CallbackData, prefix="myl"):
    pass


@dataclass(frozen=True)
class MyRegistration(CallbackData, prefix="myr"):
    registration_id: int


@dataclass(frozen=True)
class MyCalendar(CallbackData, prefix="myi"):
    registration_id: int


@dataclass(frozen=True)
class MyCancel(CallbackData, prefix="myx"):
    """Cancel a registration: first press asks, `sure` does it."""

    registration_id: int
    sure: bool = False


async def _mine(ctx: Ctx, registration_id: int) -> tuple[Registration, Event]:
    """The person's own active registration and its event, or Stale."""
    registration = await ctx.session.get(Registration, registration_id)
    if registration is None or registration.person_id != ctx.person.id:
        raise Stale(registration_id)
    event = await ctx.session.get(Event, registration.event_id)
    if event is None or registration.status not in ACTIVE:
        raise Stale(registration_id)
    return registration, event


@router.command("my", menu=True)
async def my_command(ctx: Ctx) -> list[Reply]:
    """List my current registrations."""
    return await show_list(ctx, MyList())


@router.callback(MyList)
async def show_list(ctx: Ctx, _: MyList) -> list[Reply]:
    """One button per registration for an event still ahead."""
    mine = await active_registrations(ctx.session, ctx.person.id, ctx.now)
    if not mine:
        buttons = [[Button(ctx.t("menu.events"), EventList().pack())]]
        return [await with_open_questions(ctx, Reply(ctx.t("my.none"), buttons=buttons))]
    lines = [ctx.t("my.title")]
    buttons = []
    for registration, event in mine:
        lines.append(
            f"• {title(ctx, event)} — {await next_when(ctx, event)}\n"
            f"  {await describe(ctx, registration)}"
        )
        label = f"{title(ctx, event)} · {day(ctx, event)}"
        buttons.append([Button(label, MyRegistration(registration.id).pack())])
    return [await with_open_questions(ctx, Reply("\n".join(lines), buttons=buttons))]


@router.callback(MyRegistration)
async def show_registration(ctx: Ctx, choice: MyRegistration) -> list[Reply]:
    """One registration: its status and what can be done with it."""
    registration, event = await _mine(ctx, choice.registration_id)
    text = (
        f"{title(ctx, event)}\n{await next_when(ctx, event)}\n{await describe(ctx, registration)}"
    )
    buttons = []
    if registration.status == RegistrationStatus.CONFIRMED:
        buttons.append([Button(ctx.t("my.calendar"), MyCalendar(registration.id).pack())])
    if registration.status == RegistrationStatus.OFFERED:
        buttons.append(
            [
                Button(ctx.t("waitlist.accept"), OfferAnswer(registration.id, True).pack()),
                Button(ctx.t("waitlist.decline"), OfferAnswer(registration.id, False).pack()),
            ]
        )
    if registration.checked_in_at is None:
        buttons.append([Button(ctx.t("my.cancel"), MyCancel(registration.id).pack())])
    buttons.append([Button(ctx.t("my.back"), MyList().pack())])
    return [Reply(text, buttons=buttons)]


@router.callback(MyCalendar)
async def send_calendar(ctx: Ctx, choice: MyCalendar) -> list[Reply]:
    """The calendar entry again: the file, or links where the channel takes no .ics."""
    registration, event = await _mine(ctx, choice.registration_id)
    return [await calendar_reply(ctx, event, registration)]


@router.callback(MyCancel)
async def cancel_registration(ctx: Ctx, choice: MyCancel) -> list[Reply]:
    """Ask to confirm, then cancel; a freed seat is offered to the first in line."""
    registration, event = await _mine(ctx, choice.registration_id)
    back = [[Button(ctx.t("my.back"), MyList().pack())]]
    if registration.checked_in_at is not None:
        return [Reply(ctx.t("my.checked_in", title=title(ctx, event)), buttons=back)]
    if not choice.sure:
        buttons = [
            [Button(ctx.t("my.cancel_yes"), MyCancel(registration.id, True).pack())],
            [Button(ctx.t("my.cancel_no"), MyRegistration(registration.id).pack())],
        ]
        return [Reply(ctx.t("my.cancel_sure", title=title(ctx, event)), buttons=buttons)]
    result = await cancel(ctx.session, registration, ctx.now, OfferNotices(ctx.config))
    if result is CancelResult.CHECKED_IN:
        return [Reply(ctx.t("my.checked_in", title=title(ctx, event)), buttons=back)]
    if result is CancelResult.NOT_ACTIVE:
        raise Stale(registration.id)
    return [Reply(ctx.t("my.cancelled", title=title(ctx, event)), buttons=back)]
