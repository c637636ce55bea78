"""Import the catalogue (questions, tracks, events, topics) from YAML; re-importing updates by slug.

Per-language fields are written as ``title: {he: …, en: …}`` in the file and stored grouped by
language (``{"he": {"title": …}, "en": {"title": …}}``) so a record reads in one language at once.

The catalogue owns what it sets and coordinators own what they edit: each event remembers what
the last import set (`Event.imported`), so a field whose value differs from that was changed in
the chat since, and a re-import leaves it and reports the conflict (unless forced). Capacity
goes through the seat ledger: never below the seats confirmed or held, new seats offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.catalog import Event, EventKind, EventStatus, Question, Topic, TopicKind, Track
from models.event_changes import Schedule
from models.registration_service import set_capacity
from models.seats import Announce

DEMO_CATALOG = Path(__file__).with_name("data") / "demo_catalog.yaml"
TEXT_FIELDS = {
    "questions": ("prompt",),
    "tracks": ("title", "summary", "description"),
    "events": ("title", "description", "place"),
    "topics": ("title", "description"),
}
M = TypeVar("M", Question, Track, Event, Topic)
EVENT_TEXTS = TEXT_FIELDS["events"]
EDITED_IN_CHAT = "changed in the chat since the last import"


@dataclass(frozen=True)
class Conflict:
    """A value the file would set on an event that the import left alone, and why."""

    event: str
    field: str
    kept: Any
    file: Any
    reason: str

    def __str__(self) -> str:
        return (
            f"events/{self.event}: {self.field} kept as {self.kept!r} ({self.reason}); "
            f"the file says {self.file!r}"
        )


class CatalogError(ValueError):
    """The file is not a valid catalogue; the message names the entry and the field."""


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    moved: list[Event] = field(default_factory=list)
    """Existing events whose time or place changed: their registrants must be told."""
    cancelled: list[Event] = field(default_factory=list)
    """Existing events the file cancels: registrations to release, registrants to tell."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Values the file would have set but the import left as they were."""

    def count(self, section: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[section] = bucket.get(section, 0) + 1


def load(path: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict) or not set(raw) <= set(TEXT_FIELDS):
        raise CatalogError(f"{path}: top level must map some of {sorted(TEXT_FIELDS)} to lists")
    return raw


def content(section: str, entry: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Regroup {field: {lang: text}} into {lang: {field: text}}, requiring a Hebrew title/prompt."""
    grouped: dict[str, dict[str, str]] = {}
    for name in TEXT_FIELDS[section]:
        value = entry.get(name) or {}
        if not isinstance(value, dict):
            raise CatalogError(f"{section}/{entry.get('slug')}: {name} must be {{he: …, en: …}}")
        for lang, text in value.items():
            grouped.setdefault(str(lang), {})[name] = str(text).strip()
    first = TEXT_FIELDS[section][0]
    if not grouped.get("he", {}).get(first):
        raise CatalogError(f"{section}/{entry.get('slug')}: {first}.he is required")
    return grouped


async def upsert(session: AsyncSession, model: type[M], slug: str) -> tuple[M, bool]:
    row = await session.scalar(select(model).where(model.slug == slug))
    if row is not None:
        return row, False
    row = model(slug=slug)
    session.add(row)
    return row, True


def when(entry: dict[str, Any], name: str, required: bool = False) -> datetime | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise CatalogError(
            f"events/{entry.get('slug')}: {name} must be a date-time with an offset, "
            "e.g. 2027-01-12T17:00:00+02:00"
        )
    return value


async def import_catalog(
    session: AsyncSession, path: Path, announce: Announce, *, force: bool = False
) -> ImportReport:
    """Create or update every entry of the file in the caller's transaction. `force` overrides
    what coordinators changed in the chat, but never sets capacity below the seats taken."""
    raw = load(path)
    report = ImportReport()
    tracks: dict[str, Track] = {}
    for position, entry in enumerate(raw.get("questions") or []):
        slug = _slug("questions", entry)
        question, created = await upsert(session, Question, slug)
        question.position = int(entry.get("position", position))
        question.field = str(entry.get("field", slug))
        question.multiple = bool(entry.get("multiple", False))
        question.content = content("questions", entry)
        question.options = [_option(slug, option) for option in entry.get("options") or []]
        report.count("questions", created)
    for entry in raw.get("tracks") or []:
        slug = _slug("tracks", entry)
        track, created = await upsert(session, Track, slug)
        track.content = content("tracks", entry)
        track.tags = {str(k): [str(v) for v in vs] for k, vs in (entry.get("tags") or {}).items()}
        track.contact = entry.get("contact")
        track.active = bool(entry.get("active", True))
        tracks[slug] = track
        report.count("tracks", created)
    await session.flush()
    for entry in raw.get("events") or []:
        await _import_event(session, entry, tracks, report, announce, force)
    for entry in raw.get("topics") or []:
        slug = _slug("topics", entry)
        topic, created = await upsert(session, Topic, slug)
        topic.content = content("topics", entry)
        topic.kind = _enum(TopicKind, entry, "kind", TopicKind.BULLETIN)
        topic.region = entry.get("region")
        topic.track_id = (
            (await _track(session, tracks, entry, "topics")).id if entry.get("track") else None
        )
        topic.active = bool(entry.get("active", True))
        report.count("topics", created)
    await session.flush()
    return report


async def _import_event(
    session: AsyncSession,
    entry: dict[str, Any],
    tracks: dict[str, Track],
    report: ImportReport,
    announce: Announce,
    force: bool,
) -> None:
    """Create or update one event, leaving what coordinators changed since the last import."""
    slug = _slug("events", entry)
    track = await _track(session, tracks, entry, "events") if entry.get("track") else None
    wanted = _event_fields(entry, track.slug if track else None)
    event, created = await upsert(session, Event, slug)
    if created:
        event.content, event.taken = {}, 0
        current: dict[str, Any] = {}
    else:
        current = await _current_fields(session, event)
    before = None if created else (Schedule.of(event), event.status)
    last = event.imported
    resize = False
    for name, value in wanted.items():
        if not created and current[name] == value:
            continue
        if not created and last is not None and current[name] != last.get(name) and not force:
            report.conflicts.append(Conflict(slug, name, current[name], value, EDITED_IN_CHAT))
        elif name == "capacity" and not created:
            resize = True  # through the ledger, once the rest is in place
        else:
            _set(event, name, value, track)
    event.imported = wanted
    await session.flush()
    if resize:
        await _set_capacity(session, event, wanted["capacity"], report, announce)
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
    fields["kind"] = _enum(EventKind, entry, "kind", EventKind.OTHER).value
    fields["status"] = _enum(EventStatus, entry, "status", EventStatus.PUBLISHED).value
    fields["region"] = entry.get("region")
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        moment = when(entry, name, required=name == "starts_at")
        fields[name] = None if moment is None else moment.astimezone(UTC).isoformat()
    capacity = entry.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        raise CatalogError(f"events/{entry.get('slug')}: capacity must be a whole number ≥ 0")
    fields["capacity"] = capacity
    fields["reminder_offsets"] = [int(m) for m in entry.get("reminder_offsets", [1440, 120])]
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
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        moment = getattr(event, name)
        fields[name] = None if moment is None else moment.astimezone(UTC).isoformat()
    fields["capacity"] = event.capacity
    fields["reminder_offsets"] = list(event.reminder_offsets or [])
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
    elif name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
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


def _slug(section: str, entry: Any) -> str:
    if not isinstance(entry, dict) or not entry.get("slug"):
        raise CatalogError(f"{section}: every entry needs a slug")
    slug = str(entry["slug"])
    if len(slug) > 40 or not slug.replace("-", "").replace("_", "").isalnum() or not slug.isascii():
        raise CatalogError(f"{section}/{slug}: slug must be ≤ 40 chars of a-z, 0-9, - and _")
    return slug


def _option(question: str, option: Any) -> dict[str, Any]:
    if not isinstance(option, dict) or not option.get("value") or not option.get("label"):
        raise CatalogError(f"questions/{question}: each option needs a value and a label")
    return {"value": str(option["value"]), "label": dict(option["label"])}


E = TypeVar("E", EventKind, EventStatus, TopicKind)


def _enum(kind: type[E], entry: dict[str, Any], name: str, default: E) -> E:
    try:
        return kind(entry.get(name, default))
    except ValueError as exc:
        allowed = ", ".join(kind)
        raise CatalogError(f"{entry.get('slug')}: {name} must be one of {allowed}") from exc


async def _track(
    session: AsyncSession, tracks: dict[str, Track], entry: dict[str, Any], section: str
) -> Track:
    slug = str(entry["track"])
    track = tracks.get(slug) or await session.scalar(select(Track).where(Track.slug == slug))
    if track is None:
        raise CatalogError(f"{section}/{entry.get('slug')}: unknown track {slug!r}")
    return track
