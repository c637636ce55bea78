"""Import the catalogue (questions, tracks, events, topics) from YAML; re-importing updates by slug.

Per-language fields are written as ``title: {he: …, en: …}`` in the file and stored grouped by
language (``{"he": {"title": …}, "en": {"title": …}}``) so a record reads in one language at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import (
    NOT_FOR,
    Event,
    EventKind,
    EventStatus,
    Question,
    Topic,
    TopicKind,
    Track,
)
from models.event_changes import Schedule

DEMO_CATALOG = Path(__file__).with_name("data") / "demo_catalog.yaml"
TEXT_FIELDS = {
    "questions": ("prompt",),
    "tracks": ("title", "summary", "description"),
    "events": ("title", "description", "place"),
    "topics": ("title", "description"),
}
M = TypeVar("M", Question, Track, Event, Topic)


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


async def import_catalog(session: AsyncSession, path: Path) -> ImportReport:
    """Create or update every entry of the file in the caller's transaction."""
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
        track.tags = {**_fields(entry.get("tags")), NOT_FOR: _fields(entry.get(NOT_FOR))}
        track.contact = entry.get("contact")
        track.active = bool(entry.get("active", True))
        tracks[slug] = track
        report.count("tracks", created)
    await session.flush()
    for entry in raw.get("events") or []:
        slug = _slug("events", entry)
        event, created = await upsert(session, Event, slug)
        before = None if created else (Schedule.of(event), event.status)
        event.content = content("events", entry)
        event.track_id = (
            (await _track(session, tracks, entry, "events")).id if entry.get("track") else None
        )
        event.kind = _enum(EventKind, entry, "kind", EventKind.OTHER)
        event.status = _enum(EventStatus, entry, "status", EventStatus.PUBLISHED)
        event.region = entry.get("region")
        event.starts_at = when(entry, "starts_at", required=True)  # type: ignore[assignment]
        event.ends_at = when(entry, "ends_at")
        event.registration_opens_at = when(entry, "registration_opens_at")
        event.registration_closes_at = when(entry, "registration_closes_at")
        event.capacity = entry.get("capacity")
        if created:
            event.taken = 0
        event.reminder_offsets = [int(m) for m in entry.get("reminder_offsets", [1440, 120])]
        if before is not None:
            schedule, status = before
            if event.status == EventStatus.CANCELLED and status != EventStatus.CANCELLED:
                report.cancelled.append(event)
            elif event.status == EventStatus.PUBLISHED and schedule.moved(event):
                report.moved.append(event)
        report.count("events", created)
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


def _fields(entry: Any) -> dict[str, list[str]]:
    """Questionnaire field → values, as the catalogue lists them under `tags` or `not_for`."""
    return {str(name): [str(value) for value in values] for name, values in (entry or {}).items()}


async def _track(
    session: AsyncSession, tracks: dict[str, Track], entry: dict[str, Any], section: str
) -> Track:
    slug = str(entry["track"])
    track = tracks.get(slug) or await session.scalar(select(Track).where(Track.slug == slug))
    if track is None:
        raise CatalogError(f"{section}/{entry.get('slug')}: unknown track {slug!r}")
    return track
