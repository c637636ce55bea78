"""Import the catalogue (questions, tracks, events, topics, kibbutzim, roles, FAQ) from YAML, by
slug.

Per-language fields are written as ``title: {he: …, en: …}`` in the file and stored grouped by
language (``{"he": {"title": …}, "en": {"title": …}}``) so a record reads in one language at once.
Events are imported by models.event_import, which leaves what coordinators changed in the chat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import NOT_FOR, Question, Topic, TopicKind, Track
from models.catalog_entries import (
    CatalogError,
    ImportReport,
    content,
    enum_of,
    load,
    option_of,
    slug_of,
    track_of,
    upsert,
)
from models.event_import import import_event
from models.faq_import import import_faq
from models.kibbutzim import Kibbutz, Stream
from models.movement import MovementRole
from models.seats import Announce
from models.topic_channels import channel_of

DEMO_CATALOG = Path(__file__).with_name("data") / "demo_catalog.yaml"


async def import_catalog(
    session: AsyncSession, path: Path, announce: Announce, *, force: bool = False
) -> ImportReport:
    """Create or update every entry of the file in the caller's transaction. `force` overrides
    what coordinators changed in the chat, but never sets capacity below the seats taken."""
    raw = load(path)
    report = ImportReport()
    tracks: dict[str, Track] = {}
    for position, entry in enumerate(raw.get("questions") or []):
        slug = slug_of("questions", entry)
        question, created = await upsert(session, Question, slug)
        question.position = int(entry.get("position", position))
        question.field = str(entry.get("field", slug))
        question.multiple = bool(entry.get("multiple", False))
        question.content = content("questions", entry)
        question.options = [option_of(slug, option) for option in entry.get("options") or []]
        report.count("questions", created)
    for entry in raw.get("tracks") or []:
        slug = slug_of("tracks", entry)
        track, created = await upsert(session, Track, slug)
        track.content = content("tracks", entry)
        track.tags = {**_fields(entry.get("tags")), NOT_FOR: _fields(entry.get(NOT_FOR))}
        track.contact = entry.get("contact")
        track.active = bool(entry.get("active", True))
        tracks[slug] = track
        report.count("tracks", created)
    await session.flush()
    for entry in raw.get("events") or []:
        await import_event(session, entry, tracks, report, announce, force)
    for entry in raw.get("topics") or []:
        slug = slug_of("topics", entry)
        topic, created = await upsert(session, Topic, slug)
        topic.content = content("topics", entry)
        topic.kind = enum_of(TopicKind, entry, "kind", TopicKind.BULLETIN)
        topic.region = entry.get("region")
        topic.track_id = (
            (await track_of(session, tracks, entry, "topics")).id if entry.get("track") else None
        )
        topic.active = bool(entry.get("active", True))
        topic.telegram_channel = channel_of(slug, entry.get("telegram_channel"))
        report.count("topics", created)
    for entry in raw.get("kibbutzim") or []:
        await _import_kibbutz(session, entry, report)
    for position, entry in enumerate(raw.get("roles") or []):
        slug = slug_of("roles", entry)
        if len(slug) > 24:
            raise CatalogError(f"roles/{slug}: a role's slug is at most 24 characters")
        role, created = await upsert(session, MovementRole, slug)
        role.position = position
        role.content = content("roles", entry)
        report.count("roles", created)
    await import_faq(session, raw.get("faq") or [], tracks, report)
    await session.flush()
    return report


async def _import_kibbutz(session: AsyncSession, entry: Any, report: ImportReport) -> None:
    slug = slug_of("kibbutzim", entry)
    if not entry.get("region"):
        raise CatalogError(f"kibbutzim/{slug}: region is required")
    kibbutz, created = await upsert(session, Kibbutz, slug)
    kibbutz.content = content("kibbutzim", entry)
    kibbutz.region = str(entry["region"])
    kibbutz.stream = enum_of(Stream, entry, "stream", Stream.RENEWED)
    report.count("kibbutzim", created)


def _fields(entry: Any) -> dict[str, list[str]]:
    """Questionnaire field → values, as the catalogue lists them under `tags` or `not_for`."""
    return {str(name): [str(value) for value in values] for name, values in (entry or {}).items()}
