"""The ticket of a confirmed registration, with its .ics file for any calendar app."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from handlers.context import Ctx
from handlers.events import title, when
from handlers.types import Attachment, Button, Reply
from models.catalog import Event
from models.localized import localized
from models.registrations import Registration

DEFAULT_LENGTH = timedelta(hours=2)
"""Calendars need an end; events without one are assumed to last this long."""


def ics(event: Event, registration: Registration, locale: str, now: datetime) -> Attachment:
    """One VEVENT with the title, place, description and the check-in code."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kibbutz Movement//Hagshama//HE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"{event.slug}-{registration.id}@hagshama")
    entry.add("dtstamp", now)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at or event.starts_at + DEFAULT_LENGTH)
    entry.add("summary", localized(event.content, "title", locale))
    if place := localized(event.content, "place", locale):
        entry.add("location", place)
    description = localized(event.content, "description", locale)
    entry.add("description", f"{description}\n\n{registration.checkin_code}".strip())
    calendar.add_component(entry)
    return Attachment(f"{event.slug}.ics", "text/calendar", calendar.to_ical())


def ticket(
    ctx: Ctx, event: Event, registration: Registration, buttons: list[list[Button]]
) -> Reply:
    """The confirmation of a seat: what, when, the check-in code and the calendar file."""
    text = ctx.t(
        "registration.confirmed",
        title=title(ctx, event),
        when=when(ctx, event),
        code=registration.checkin_code,
    )
    attachment = ics(event, registration, ctx.locale, ctx.now)
    return Reply(text, buttons=buttons, attachments=[attachment])
