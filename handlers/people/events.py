"""Upcoming events: the list with its region / kind / track filters, the card, the deep link."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.menu import language_button
from handlers.core.pages import navigation, page_of
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.ask import ask_button
from handlers.people.series import session_lines
from locales import supported
from locales.dates import format_date_time, format_span, local
from models.catalog import Event, EventStatus, Track
from models.discovery import NATIONAL, region_label, region_questions
from models.localized import localized
from models.registration_service import Availability, availability, waitlist_position
from models.registrations import ACTIVE, Registration, RegistrationStatus
from models.seats import seats_left

router = Router("events")

PAGE_SIZE = 6


@dataclass(frozen=True)
class EventList(CallbackData, prefix="evl"):
    region: str | None = None
    kind: str | None = None
    track: int | None = None
    page: int = 0


@dataclass(frozen=True)
class EventFilter(CallbackData, prefix="evf"):
    """Show the choices of one filter (`by` is region, kind or track), keeping the others."""

    by: str
    region: str | None = None
    kind: str | None = None
    track: int | None = None


@dataclass(frozen=True)
class EventCard(CallbackData, prefix="evc"):
    event_id: int


@dataclass(frozen=True)
class EventCardIn(CallbackData, prefix="evi"):
    """The card of an event opened from outside, shown again in another language."""

    event_id: int
    locale: str


@dataclass(frozen=True)
class RegisterStart(CallbackData, prefix="evr"):
    """The card's register button; handled by handlers.people.registration."""

    event_id: int


def title(ctx: Ctx, event: Event) -> str:
    return localized(event.content, "title", ctx.locale)


def day(ctx: Ctx, event: Event) -> str:
    return f"{local(event.starts_at, ctx.config.timezone):%d.%m}"


def when(ctx: Ctx, event: Event) -> str:
    return format_span(event.starts_at, event.ends_at, ctx.locale, ctx.config.timezone)


async def describe(ctx: Ctx, registration: Registration) -> str:
    """The person's registration in one line: confirmed with its code, or their place in line."""
    if registration.status == RegistrationStatus.WAITLISTED:
        position = await waitlist_position(ctx.session, registration)
        return ctx.t("events.status.waitlisted", position=position)
    if registration.status == RegistrationStatus.OFFERED:
        return ctx.t("events.status.offered")
    return ctx.t("events.status.confirmed", code=registration.checkin_code)


async def upcoming(ctx: Ctx, choice: EventList) -> list[Event]:
    query = select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > ctx.now)
    if choice.region == NATIONAL:
        query = query.where(Event.region.is_(None))
    elif choice.region:
        query = query.where(Event.region == choice.region)
    if choice.kind:
        query = query.where(Event.kind == choice.kind)
    if choice.track:
        query = query.where(Event.track_id == choice.track)
    return list((await ctx.session.scalars(query.order_by(Event.starts_at, Event.id))).all())


@router.command("events", menu=True)
async def events_command(ctx: Ctx) -> list[Reply]:
    """List upcoming events, unfiltered."""
    return await show_list(ctx, EventList())


@router.callback(EventList)
async def show_list(ctx: Ctx, choice: EventList) -> list[Reply]:
    """List one page of upcoming events matching the chosen filters, with the filter buttons."""
    found = await upcoming(ctx, choice)
    page = page_of(found, choice.page, PAGE_SIZE)
    buttons = [
        [Button(f"{title(ctx, e)} · {day(ctx, e)}", EventCard(e.id).pack())] for e in page.items
    ]
    filters = {"region": choice.region, "kind": choice.kind, "track": choice.track}
    if nav := navigation(ctx, page, lambda n: replace(choice, page=n)):
        buttons.append(nav)
    buttons.append(
        [
            Button(
                ctx.t(f"events.filter.{by}"),
                EventFilter(by, choice.region, choice.kind, choice.track).pack(),
            )
            for by in filters
        ]
    )
    if any(filters.values()):
        buttons.append([Button(ctx.t("events.filter.clear"), EventList().pack())])
    text = ctx.t("events.list" if found else "events.none", count=len(found))
    if page.count > 1:
        text += "\n" + ctx.t("pages.of", page=page.number + 1, pages=page.count)
    return [Reply(text, buttons=buttons)]


@router.callback(EventFilter)
async def choose_filter(ctx: Ctx, choice: EventFilter) -> list[Reply]:
    """Offer the values of one filter that some upcoming event has."""
    found = await upcoming(ctx, EventList())
    keep = {"region": choice.region, "kind": choice.kind, "track": choice.track}
    options: dict[str, str] = {}
    if choice.by == "region":
        questions = await region_questions(ctx.session)
        for value in sorted({e.region or NATIONAL for e in found}):
            options[value] = region_label(questions, value, ctx.t)
    elif choice.by == "kind":
        for value in sorted({str(e.kind) for e in found}):
            options[value] = ctx.t(f"events.kind.{value}")
    elif choice.by == "track":
        ids = {e.track_id for e in found if e.track_id}
        for track in await ctx.session.scalars(select(Track).where(Track.id.in_(ids))):
            options[str(track.id)] = localized(track.content, "title", ctx.locale)
    else:
        raise Stale(choice.by)
    buttons = []
    for value, label in options.items():
        chosen = {**keep, choice.by: int(value) if choice.by == "track" else value}
        buttons.append([Button(label, EventList(**chosen).pack())])  # type: ignore[arg-type]
    return [Reply(ctx.t(f"events.filter.{choice.by}.title"), buttons=buttons)]


@router.callback(EventCard)
async def show_card(ctx: Ctx, choice: EventCard) -> list[Reply]:
    """Show an event's details: when, where, seats left, and what the person can do."""
    event = await ctx.session.get(Event, choice.event_id)
    if event is None or event.status == EventStatus.DRAFT:
        raise Stale(choice.event_id)
    return [await card(ctx, event)]


@router.deep_link("ev_")
async def open_link(ctx: Ctx, slug: str) -> list[Reply]:
    """Open the event a poster or QR code points at, offering the other language: people
    arrive from Hebrew posters whatever language they read."""
    event = await ctx.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or event.status == EventStatus.DRAFT:
        return [Reply(ctx.t("events.not_found"))] + await show_list(ctx, EventList())
    return [await outside_card(ctx, event)]


@router.callback(EventCardIn)
async def show_card_in(ctx: Ctx, choice: EventCardIn) -> list[Reply]:
    """Switch language from a linked event's card and show the card again in it."""
    event = await ctx.session.get(Event, choice.event_id)
    if event is None or event.status == EventStatus.DRAFT or not supported(choice.locale):
        raise Stale(choice.event_id)
    ctx.set_locale(choice.locale)
    return [await outside_card(ctx, event)]


async def outside_card(ctx: Ctx, event: Event) -> Reply:
    reply = await card(ctx, event)
    reply.buttons.append([language_button(ctx, lambda code: EventCardIn(event.id, code))])
    return reply


async def my_registration(ctx: Ctx, event: Event) -> Registration | None:
    """The person's current (confirmed, waiting or offered) registration for the event."""
    return await ctx.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.person_id == ctx.person.id,
            Registration.status.in_(ACTIVE),
        )
    )


async def card(ctx: Ctx, event: Event) -> Reply:
    """The details card, with register / waiting-list / my-registration as fits."""
    lines = [f"📅 {title(ctx, event)}", ctx.t("events.card.when", when=when(ctx, event))]
    if place := localized(event.content, "place", ctx.locale):
        lines.append(ctx.t("events.card.place", place=place))
    if description := localized(event.content, "description", ctx.locale):
        lines.append(description)
    lines += await session_lines(ctx, event)
    lines += details(ctx, event)
    mine = await my_registration(ctx, event)
    state = availability(event, ctx.now)
    buttons = []
    if mine is not None:
        lines.append(await describe(ctx, mine))
    elif state is Availability.OPEN:
        lines.append(seats(ctx, event))
        full = seats_left(event) == 0
        label = ctx.t("events.join_waitlist" if full else "events.register")
        buttons.append([Button(label, RegisterStart(event.id).pack())])
    else:
        lines.append(closed_text(ctx, event, state))
    buttons.append([Button(ctx.t("events.back"), EventList().pack())])
    buttons.append([ask_button(ctx, "e", event.id)])
    return Reply("\n".join(lines), buttons=buttons)


def details(ctx: Ctx, event: Event) -> list[str]:
    """The registration deadline and the minimum for the event to take place, where set."""
    lines = []
    zone = ctx.config.timezone
    if event.registration_closes_at and event.registration_closes_at > ctx.now:
        deadline = format_date_time(event.registration_closes_at, ctx.locale, zone)
        lines.append(ctx.t("series.deadline", when=deadline))
    if event.min_participants:
        lines.append(ctx.t("series.minimum", count=event.min_participants))
    return lines


def seats(ctx: Ctx, event: Event) -> str:
    """Seats left: those nobody holds, and none held for a person deciding on an offer."""
    left = seats_left(event)
    if left is None:
        return ctx.t("events.card.open")
    return ctx.t.n("events.card.seats", left) if left > 0 else ctx.t("events.card.full")


def closed_text(ctx: Ctx, event: Event, state: Availability) -> str:
    """Why an event takes no registrations now, in the person's words."""
    opens = event.registration_opens_at
    if state is Availability.NOT_YET_OPEN and opens is not None:
        return ctx.t("events.closed.not_yet_open", when=format_span(opens, None, ctx.locale))
    return ctx.t(f"events.closed.{state.value}")
