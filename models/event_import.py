"""Importing one event from the catalogue without fighting the chat.

The catalogue owns what it sets and coordinators own what they edit: each event remembers what
the last import set (`Event.imported`), so a field whose value differs from that was changed in
the chat since, and a re-import leaves it and reports the conflict (unless forced). Capacity
goes through the seat ledger: never below the seats confirmed or held, new seats offered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from locales.dates import DEFAULT_TIMEZONE
from models.base import utcnow
from models.catalog import Event, EventKind, EventStatus, Track
from models.catalog_entries import (
    TEXT_FIELDS,
    CatalogError,
    Conflict,
    ImportReport,
    content,
    enum_of,
    slug_of,
    track_of,
    upsert,
    when,
)
from models.event_changes import Schedule
from models.seats import Announce, set_capacity
from models.series_import import apply_times, current_times, import_questions, session_times

EVENT_TEXTS = TEXT_FIELDS["events"]
MOMENTS = (
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "decide_by",
)
EDITED_IN_CHAT = "changed in the chat since the last import"


async def import_event(
    session: AsyncSession,
    entry: dict[str, Any],
    tracks: dict[str, Track],
    report: ImportReport,
    announce: Announce,
    force: bool,
) -> None:
    """Create or update one event, leaving what coordinators changed since the last import."""
    slug = slug_of("events", entry)
    track = await track_of(session, tracks, entry, "events") if entry.get("track") else None
    wanted = _event_fields(entry, track.slug if track else None)
    event, created = await upsert(session, Event, slug)
    if created:
        event.content, event.taken = {}, 0
        current: dict[str, Any] = {}
    else:
        current = await _current_fields(session, event)
    before = None if created else (Schedule.of(event), event.status)
    last = event.imported
    resize = retime = False
    for name, value in wanted.items():
        if not created and current[name] == value:
            continue
        # A field the last import did not set yet (added since) was not changed in the chat.
        edited = last is not None and current[name] != last.get(name, current[name])
        if not created and edited and not force:
            report.conflicts.append(Conflict(slug, name, current[name], value, EDITED_IN_CHAT))
        elif name == "capacity" and not created:
            resize = True  # through the ledger, once the rest is in place
        elif name == "sessions":
            retime = True  # rows of their own, once the event has its id
        else:
            _set(event, name, value, track)
    event.imported = wanted
    await session.flush()
    if resize:
        await _set_capacity(session, event, wanted["capacity"], report, announce)
    if retime:
        await apply_times(session, event, wanted["sessions"])
    await import_questions(session, event, entry)
    if before is not None:
        schedule, status = before
        if event.status == EventStatus.CANCELLED and status != EventStatus.CANCELLED:
            report.cancelled.append(event)
        elif event.status == EventStatus.PUBLISHED and schedule.moved(event):
            report.moved.append(event)
    report.count("events", created)


def _event_fields(entry: dict[str, Any], track: str | None) -> dict[str, Any]:
    """What the file sets on an event, as JSON values (times in UTC), field by field."""
    grouped = content("events", entry)
    fields: dict[str, Any] = {
        name: {lang: texts[name] for lang, texts in grouped.items() if name in texts}
        for name in EVENT_TEXTS
    }
    fields["track"] = track
    fields["kind"] = enum_of(EventKind, entry, "kind", EventKind.OTHER).value
    fields["status"] = enum_of(EventStatus, entry, "status", EventStatus.PUBLISHED).value
    fields["region"] = entry.get("region")
    fields["sessions"] = session_times(entry, DEFAULT_TIMEZONE)
    for name in MOMENTS:
        moment = when(entry, name, required=name == "starts_at" and not fields["sessions"])
        fields[name] = None if moment is None else moment.astimezone(UTC).isoformat()
    if fields["sessions"]:  # a series starts and ends as its first session
        fields["starts_at"], fields["ends_at"] = fields["sessions"][0]
    for name in ("min_participants",):
        number = entry.get(name)
        if number is not None and (not isinstance(number, int) or number < 1):
            raise CatalogError(f"events/{entry.get('slug')}: {name} must be a whole number ≥ 1")
        fields[name] = number
    capacity = entry.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        raise CatalogError(f"events/{entry.get('slug')}: capacity must be a whole number ≥ 0")
    fields["capacity"] = capacity
    fields["reminder_offsets"] = [int(m) for m in entry.get("reminder_offsets", [1440, 120])]
    fields["for_role_holders"] = bool(entry.get("for_role_holders", False))
    return fields


async def _current_fields(session: AsyncSession, event: Event) -> dict[str, Any]:
    """The event's values as `_event_fields` gives the file's."""
    track = await session.get(Track, event.track_id) if event.track_id else None
    fields: dict[str, Any] = {
        name: {lang: texts[name] for lang, texts in event.content.items() if name in texts}
        for name in EVENT_TEXTS
    }
    fields["track"] = track.slug if track else None
    fields["kind"] = str(event.kind)
    fields["status"] = str(event.status)
    fields["region"] = event.region
    fields["sessions"] = await current_times(session, event)
    for name in MOMENTS:
        moment = getattr(event, name)
        fields[name] = None if moment is None else moment.astimezone(UTC).isoformat()
    fields["min_participants"] = event.min_participants
    fields["capacity"] = event.capacity
    fields["reminder_offsets"] = list(event.reminder_offsets or [])
    fields["for_role_holders"] = event.for_role_holders
    return fields


def _set(event: Event, name: str, value: Any, track: Track | None) -> None:
    """Apply one field of the file to the event."""
    if name in EVENT_TEXTS:
        texts = {lang: dict(fields) for lang, fields in event.content.items()}
        for fields in texts.values():
            fields.pop(name, None)
        for lang, text in value.items():
            texts.setdefault(lang, {})[name] = text
        event.content = {lang: fields for lang, fields in texts.items() if fields}
    elif name == "track":
        event.track_id = track.id if track else None
    elif name in MOMENTS:
        setattr(event, name, None if value is None else datetime.fromisoformat(value))
    else:
        setattr(event, name, value)


async def _set_capacity(
    session: AsyncSession,
    event: Event,
    capacity: int | None,
    report: ImportReport,
    announce: Announce,
) -> None:
    """A new capacity through the ledger, raised to the seats already taken if need be."""
    if await set_capacity(session, event, capacity, utcnow(), announce) is not None:
        return
    taken = event.taken
    report.conflicts.append(
        Conflict(event.slug, "capacity", taken, capacity, f"{taken} seats are confirmed or held")
    )
    if event.capacity != taken:
        await set_capacity(session, event, taken, utcnow(), announce)
