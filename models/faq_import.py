"""The catalogue's `faq:` section: answers to common questions, re-imported by slug."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event, Track
from models.catalog_entries import CatalogError, ImportReport, content, slug_of, track_of
from models.faq import FaqEntry, phrasings_of


async def import_faq(
    session: AsyncSession,
    entries: list[dict[str, Any]],
    tracks: dict[str, Track],
    report: ImportReport,
) -> None:
    """Create or update each entry: its question and answer per language, the other ways
    people ask it (`asks`), and the track, event or topic it belongs to (none: general)."""
    for entry in entries:
        slug = slug_of("faq", entry)
        row = await session.scalar(select(FaqEntry).where(FaqEntry.slug == slug))
        created = row is None
        if row is None:
            row = FaqEntry(slug=slug)
            session.add(row)
        row.content = content("faq", entry)
        if not all(text.get("answer") for text in row.content.values()):
            raise CatalogError(f"faq/{slug}: every language with a question needs an answer")
        try:
            row.phrasings = phrasings_of(slug, entry.get("asks"))
        except ValueError as exc:
            raise CatalogError(str(exc)) from exc
        row.topic = str(entry.get("topic") or "general")
        row.track_id = (
            (await track_of(session, tracks, entry, "faq")).id if entry.get("track") else None
        )
        row.event_id = await _event_id(session, slug, entry.get("event"))
        row.active = bool(entry.get("active", True))
        report.count("faq", created)


async def _event_id(session: AsyncSession, slug: str, event: Any) -> int | None:
    if not event:
        return None
    found = await session.scalar(select(Event.id).where(Event.slug == str(event)))
    if found is None:
        raise CatalogError(f"faq/{slug}: unknown event {event!r}")
    return found
