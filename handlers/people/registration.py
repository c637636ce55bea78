"""Registering for an event: ask only for missing details, confirm, then the ticket and .ics.

RegisterStart             → the first missing of ASK_NAME, ASK_PHONE, ASK_HOME; else CONFIRM
ASK_NAME   a name         → the next missing detail; else CONFIRM
ASK_PHONE  a phone        → the next missing detail; else CONFIRM
ASK_HOME   a home         → the event's first unanswered question; else CONFIRM
ANSWER     an answer      → the next unanswered question; else CONFIRM  (registration_more)
CONFIRM    ConfirmRegistration → the ticket, or a place on the waiting list (flow ends)
CONFIRM    GroupStart     → SIZE → NAMES → CONFIRM: a group asks its seats (registration_more)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.inputs.details import MAX_HOME, MAX_NAME, given_phone, known_phone, plain_text
from handlers.people.event_questions import QuestionStep, ask, pending, summary_lines
from handlers.people.events import (
    EventList,
    RegisterStart,
    card,
    closed_text,
    describe,
    my_registration,
    title,
    when,
)
from handlers.people.groups import GroupStart
from handlers.people.groups import summary_line as group_line
from handlers.people.profile import ask_place
from handlers.people.ticket import ticket
from models.catalog import Event, EventStatus
from models.event_questions import save_answers
from models.people import PhoneTaken, attach_phone
from models.registration_service import (
    Availability,
    RegistrationClosed,
    availability,
    register,
    waitlist_position,
)
from models.registrations import RegistrationStatus

router = Router("registration")


class RegistrationStep(StrEnum):
    """Free-text answers of the registration flow, asked in this order when missing."""

    ASK_NAME = "registration.ask_name"
    ASK_PHONE = "registration.ask_phone"
    ASK_HOME = "registration.ask_home"
    CONFIRM = "registration.confirm"


@dataclass(frozen=True)
class Registering(FlowData):
    """The event being registered for and the details typed so far (saved on confirming)."""

    event_id: int = 0
    name: str | None = None
    phone: str | None = None
    phone_shared: bool = False
    """The phone came from the platform's share-my-phone button, so it is verified."""
    home: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    """The event's questions answered so far, by question id (handlers.people.event_questions)."""
    question_id: int | None = None
    ticked: tuple[str, ...] = ()
    """The question being answered and, for a multiple choice, the options ticked so far."""
    guests: tuple[str, ...] = ()
    split: bool = False
    """A group's other members, and whether it may take fewer seats than it asked for."""
    size: int = 0
    names: tuple[str, ...] = ()
    """A group being named: how many in all, and the names typed so far (handlers.people.groups)."""


@dataclass(frozen=True)
class ConfirmRegistration(CallbackData, prefix="evk"):
    event_id: int


async def registering(ctx: Ctx, event_id: int) -> Event:
    """The event of the registration in progress, for a step or button of its flow, or Stale."""
    if ctx.flow(Registering).event_id != event_id:
        raise Stale(event_id)
    return await _event(ctx, event_id)


async def _event(ctx: Ctx, event_id: int) -> Event:
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        raise Stale(event_id)
    return event


@router.callback(RegisterStart)
async def start(ctx: Ctx, choice: RegisterStart) -> list[Reply]:
    """Begin registering: say so if closed or already registered, else ask what is missing."""
    event = await _event(ctx, choice.event_id)
    ctx.end()
    if mine := await my_registration(ctx, event):
        status = await describe(ctx, mine)
        return [Reply(ctx.t("registration.already", status=status)), await card(ctx, event)]
    if availability(event, ctx.now) is not Availability.OPEN:
        return [await card(ctx, event)]
    ctx.goto(RegistrationStep.CONFIRM, Registering(event_id=event.id))
    return await next_question(ctx)


@router.reask(*RegistrationStep)
async def next_question(ctx: Ctx) -> list[Reply]:
    """Ask for the first missing detail, or show the summary when nothing is missing."""
    data = ctx.flow(Registering)
    if not (data.name or ctx.person.name):
        ctx.goto(RegistrationStep.ASK_NAME)
        return [Reply(ctx.t("registration.ask_name"))]
    if not (data.phone or known_phone(ctx)):
        ctx.goto(RegistrationStep.ASK_PHONE)
        return [Reply(ctx.t("registration.ask_phone"), request_contact=True)]
    if not (data.home or ctx.person.home):
        ctx.goto(RegistrationStep.ASK_HOME)
        return [Reply(ctx.t("registration.ask_home"))]
    if question := await pending(ctx.session, data.event_id, dict(data.answers)):
        ctx.goto(QuestionStep.ANSWER, replace(data, question_id=question.id, ticked=()))
        return [ask(ctx, question)]
    return await summary(ctx)


async def summary(ctx: Ctx, error: str | None = None) -> list[Reply]:
    """Show what will be registered and ask to confirm."""
    data = ctx.flow(Registering)
    event = await _event(ctx, data.event_id)
    ctx.goto(RegistrationStep.CONFIRM)
    text = ctx.t(
        "registration.summary",
        title=title(ctx, event),
        when=when(ctx, event),
        name=data.name or ctx.person.name,
        phone=data.phone or known_phone(ctx),
        home=data.home or ctx.person.home,
    )
    extra = await summary_lines(ctx, event.id, data.answers)
    if group := group_line(ctx, data.guests, data.split):
        extra.insert(0, group)
    text = "\n".join([text, *extra])
    buttons = [
        [Button(ctx.t("registration.confirm"), ConfirmRegistration(event.id).pack())],
        [Button(ctx.t("groups.start"), GroupStart(event.id).pack())],
        [Button(ctx.t("registration.not_now"), EventList().pack())],
    ]
    return [Reply(f"{error}\n{text}" if error else text, buttons=buttons)]


@router.step(RegistrationStep.ASK_NAME)
async def got_name(ctx: Ctx) -> list[Reply]:
    """Take the full name, re-asking when it is empty, only symbols or too long."""
    name = plain_text(ctx, MAX_NAME)
    if name is None:
        return [Reply(ctx.t("registration.bad_name", limit=MAX_NAME))]
    ctx.goto(RegistrationStep.ASK_NAME, replace(ctx.flow(Registering), name=name))
    return await next_question(ctx)


@router.step(RegistrationStep.ASK_PHONE)
async def got_phone(ctx: Ctx) -> list[Reply]:
    """Take a typed or shared phone number in any Israeli format, re-asking when invalid."""
    given = await given_phone(ctx)
    if isinstance(given, Reply):
        return [given]
    phone, shared = given
    data = replace(ctx.flow(Registering), phone=phone, phone_shared=shared)
    ctx.goto(RegistrationStep.ASK_PHONE, data)
    return await next_question(ctx)


@router.step(RegistrationStep.ASK_HOME)
async def got_home(ctx: Ctx) -> list[Reply]:
    """Take the home kibbutz or city, re-asking when empty or too long."""
    home = plain_text(ctx, MAX_HOME)
    if home is None:
        return [Reply(ctx.t("registration.bad_home", limit=MAX_HOME))]
    ctx.goto(RegistrationStep.ASK_HOME, replace(ctx.flow(Registering), home=home))
    return await next_question(ctx)


@router.step(RegistrationStep.CONFIRM)
async def typed_at_summary(ctx: Ctx) -> list[Reply]:
    """Free text where a button was expected: show the summary again."""
    return await summary(ctx, ctx.t("registration.use_buttons"))


@router.callback(ConfirmRegistration)
async def confirm(ctx: Ctx, choice: ConfirmRegistration) -> list[Reply]:
    """Save the details and register: a seat with the ticket, or a place on the waiting list."""
    event = await _event(ctx, choice.event_id)
    data = ctx.flow(Registering)
    if data.event_id != event.id:
        data = Registering()
    ctx.end()
    state = availability(event, ctx.now)
    if state is not Availability.OPEN:
        return [Reply(closed_text(ctx, event, state)), await card(ctx, event)]
    person = ctx.person
    if phone := data.phone or (None if person.phone else known_phone(ctx)):
        try:
            person = await attach_phone(
                ctx.session, ctx.identity, phone, verified=data.phone_shared
            )
        except PhoneTaken:
            ctx.goto(RegistrationStep.ASK_PHONE, replace(data, phone=None, phone_shared=False))
            return [Reply(ctx.t("registration.phone_taken"), request_contact=True)]
    person.name = data.name or person.name
    person.home = data.home or person.home
    given = dict(data.answers)
    missing = await pending(ctx.session, event.id, given)
    if not (person.name and person.home and person.phone) or missing:
        ctx.goto(RegistrationStep.CONFIRM, replace(data, event_id=event.id))
        return await next_question(ctx)
    try:
        outcome = await register(
            ctx.session,
            event,
            person.id,
            ctx.now,
            ctx.incoming.channel,
            guests=list(data.guests),
            split=data.split,
        )
    except RegistrationClosed as closed:
        return [Reply(closed_text(ctx, event, closed.availability))]
    registration = outcome.registration
    if not outcome.created:
        status = await describe(ctx, registration)
        return [Reply(ctx.t("registration.already", status=status)), await card(ctx, event)]
    await save_answers(ctx.session, registration.id, {k: v for k, v in given.items() if v})
    back = [[Button(ctx.t("events.back"), EventList().pack())]]
    if registration.status == RegistrationStatus.WAITLISTED:
        position = await waitlist_position(ctx.session, registration)
        text = ctx.t("registration.waitlisted", title=title(ctx, event), position=position)
        if registration.seats > 1:
            text += "\n" + ctx.t("groups.waits_whole", count=registration.seats)
        return [Reply(text, buttons=back), *await ask_place(ctx, event)]
    confirmed = [*await ticket(ctx, event, registration, back), *await ask_place(ctx, event)]
    if len(data.guests) + 1 > registration.seats:
        return [Reply(ctx.t("groups.split_done", seats=registration.seats)), *confirmed]
    return confirmed
