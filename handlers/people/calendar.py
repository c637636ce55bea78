"""A registration's calendar entry: an .ics file where the channel delivers one (Telegram, the
console), links where it does not (WhatsApp: our own .ics URL under an unguessable token, and
"add to Google Calendar")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlencode

from handlers.core.context import Ctx
from handlers.core.types import Attachment, Reply
from handlers.people.events import title
from models.calendar_links import calendar_token
from models.catalog import Event
from models.localized import localized
from models.registrations import Registration
from models.sessions import EventSession, sessions_of

DEFAULT_LENGTH = timedelta(hours=2)
"""Calendars need an end; events without one are assumed to last this long."""
CALENDAR_PATH = "/calendar"
GOOGLE = "https://calendar.google.com/calendar/render"


def _end(event: Event) -> datetime:
    return event.ends_at or event.starts_at + DEFAULT_LENGTH


def ics(
    event: Event,
    registration: Registration | None,
    locale: str,
    now: datetime,
    meetings: Sequence[EventSession] = (),
) -> Attachment:
    """A VEVENT with the title, place, description and the check-in code (none on the public
    page's entry, which is nobody's registration) — one for each scheduled session of a series."""
    from icalendar import Calendar  # imported on the first registration, not at every start
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Kibbutz Movement//Hagshama//HE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    spans = [(m.starts_at, m.ends_at) for m in meetings] or [(event.starts_at, event.ends_at)]
    description = localized(event.content, "description", locale)
    for number, (starts, ends) in enumerate(spans):
        entry = CalendarEvent()
        suffix = f"-{number + 1}" if meetings else ""
        mine = f"-{registration.id}" if registration else ""
        entry.add("uid", f"{event.slug}{mine}{suffix}@hagshama")
        entry.add("dtstamp", now)
        entry.add("dtstart", starts)
        entry.add("dtend", ends or starts + DEFAULT_LENGTH)
        entry.add("summary", localized(event.content, "title", locale))
        if place := localized(event.content, "place", locale):
            entry.add("location", place)
        code = registration.checkin_code if registration else ""
        entry.add("description", f"{description}\n\n{code}".strip())
        calendar.add_component(entry)
    return Attachment(f"{event.slug}.ics", "text/calendar", calendar.to_ical())


def google_link(event: Event, registration: Registration, locale: str) -> str:
    """Google Calendar's "add event" page, filled in."""
    stamp = "%Y%m%dT%H%M%SZ"
    params = {
        "action": "TEMPLATE",
        "text": localized(event.content, "title", locale),
        "dates": f"{event.starts_at:{stamp}}/{_end(event):{stamp}}",
        "details": registration.checkin_code,
    }
    if place := localized(event.content, "place", locale):
        params["location"] = place
    return f"{GOOGLE}?{urlencode(params)}"


def by_link(ctx: Ctx) -> bool:
    """Whether this chat gets the calendar entry as links rather than a file."""
    return not ctx.takes_any_file and ctx.config.public_base_url is not None


async def calendar_links(ctx: Ctx, event: Event, registration: Registration) -> str:
    """The entry as links: our .ics (fresh from the event on each fetch) and Google's page."""
    token = await calendar_token(ctx.session, registration.id)
    url = f"{ctx.config.public_base_url}{CALENDAR_PATH}/{token}.ics"
    google = google_link(event, registration, ctx.locale)
    return ctx.t("ticket.calendar_links", ics=url, google=google)


async def calendar_reply(ctx: Ctx, event: Event, registration: Registration) -> Reply:
    """The calendar entry in the form this chat's channel delivers."""
    if by_link(ctx):
        return Reply(await calendar_links(ctx, event, registration))
    meetings = await sessions_of(ctx.session, event.id, scheduled_only=True)
    attachment = ics(event, registration, ctx.locale, ctx.now, meetings)
    return Reply(ctx.t("ticket.calendar_file", title=title(ctx, event)), attachments=[attachment])
