"""Reading the catalogue file: its shape, per-language text, dates, choices and slugs, each
mistake named by its entry and field; and what an import reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, EventKind, EventStatus, Question, Topic, TopicKind, Track
from models.kibbutzim import Kibbutz, Stream
from models.movement import MovementRole

TEXT_FIELDS = {
    "questions": ("prompt",),
    "tracks": ("title", "summary", "description"),
    "events": ("title", "description", "place"),
    "topics": ("title", "description"),
    "kibbutzim": ("name",),
    "roles": ("name",),
    "faq": ("question", "answer"),
}
M = TypeVar("M", Question, Track, Event, Topic, Kibbutz, MovementRole)
E = TypeVar("E", EventKind, EventStatus, TopicKind, Stream)


class CatalogError(ValueError):
    """The file is not a valid catalogue; the message names the entry and the field."""


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
        raw = _parse(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict) or not set(raw) <= set(TEXT_FIELDS):
        raise CatalogError(f"{path}: top level must map some of {sorted(TEXT_FIELDS)} to lists")
    return raw


def _parse(text: str) -> Any:
    """The YAML's data, read by libyaml where PyYAML was built with it (the demo catalogue in
    25 ms instead of 210); a file it refuses is read again by PyYAML's own parser, whose
    message quotes the offending line for the coordinator."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


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


def slug_of(section: str, entry: Any) -> str:
    if not isinstance(entry, dict) or not entry.get("slug"):
        raise CatalogError(f"{section}: every entry needs a slug")
    slug = str(entry["slug"])
    if len(slug) > 40 or not slug.replace("-", "").replace("_", "").isalnum() or not slug.isascii():
        raise CatalogError(f"{section}/{slug}: slug must be ≤ 40 chars of a-z, 0-9, - and _")
    return slug


def option_of(question: str, option: Any) -> dict[str, Any]:
    if not isinstance(option, dict) or not option.get("value") or not option.get("label"):
        raise CatalogError(f"questions/{question}: each option needs a value and a label")
    return {"value": str(option["value"]), "label": dict(option["label"])}


def enum_of(kind: type[E], entry: dict[str, Any], name: str, default: E) -> E:
    try:
        return kind(entry.get(name, default))
    except ValueError as exc:
        allowed = ", ".join(kind)
        raise CatalogError(f"{entry.get('slug')}: {name} must be one of {allowed}") from exc


async def track_of(
    session: AsyncSession, tracks: dict[str, Track], entry: dict[str, Any], section: str
) -> Track:
    slug = str(entry["track"])
    track = tracks.get(slug) or await session.scalar(select(Track).where(Track.slug == slug))
    if track is None:
        raise CatalogError(f"{section}/{entry.get('slug')}: unknown track {slug!r}")
    return track
