"""The .ics calendar file of a registration, for any calendar app."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from handlers.types import Attachment
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
