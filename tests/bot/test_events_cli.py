"""`hagshama catalog import` and `hagshama event cancel` tell registrants, like the chat tools."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import AuditEntry
from models.catalog_import import DEMO_CATALOG
from models.registrations import Registration
from tests.handlers.test_my import register
from tests.scheduler.support import outbox
from tests.support import Chat, hagshama


def _catalogue_with(tmp_path: Path, slug: str, **changes: object) -> Path:
    """The demo catalogue with one event changed, as a coordinator would edit the file."""
    catalogue = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    [entry] = [entry for entry in catalogue["events"] if entry["slug"] == slug]
    entry.update(changes)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    return path


async def test_an_import_that_moves_an_event_tells_its_registrants(
    catalog: None,
    chat: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await register(chat, "forum-north-january", "מיכל", "0521234567")
    unchanged = hagshama("catalog", "import", str(DEMO_CATALOG), database_url=database_url)
    assert unchanged.returncode == 0, unchanged.stderr
    assert "notices" not in unchanged.stdout and await outbox(sessions, "event_changed") == []

    entry = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))["events"]
    starts = next(e["starts_at"] for e in entry if e["slug"] == "forum-north-january")
    assert isinstance(starts, datetime)
    moved = _catalogue_with(
        tmp_path,
        "forum-north-january",
        starts_at=starts + timedelta(days=7),
        ends_at=starts + timedelta(days=7, hours=3),
    )
    result = hagshama("catalog", "import", str(moved), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "1 notices queued" in result.stdout
    [notice] = await outbox(sessions, "event_changed")
    assert "יום שלישי, 26 בינואר 2027, 18:00–21:00" in notice.payload["text"]


async def test_an_event_cancelled_from_the_command_line_releases_and_tells_everyone(
    catalog: None,
    chat: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await register(chat, "forum-north-january", "מיכל", "0521234567")
    result = hagshama("event", "cancel", "forum-north-january", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "1 notices queued" in result.stdout
    [notice] = await outbox(sessions, "event_cancelled")
    assert "בוטל" in notice.payload["text"]
    async with sessions() as session:
        [registration] = await session.scalars(select(Registration))
        [entry] = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "event.cancel")
        )
    assert registration.status == "cancelled" and entry.details["source"] == "cli"

    again = hagshama("event", "cancel", "forum-north-january", database_url=database_url)
    assert again.returncode == 1 and "already cancelled" in again.stdout
    unknown = hagshama("event", "cancel", "no-such-event", database_url=database_url)
    assert unknown.returncode == 2 and "no event with the slug" in unknown.stderr


async def test_an_import_that_cancels_an_event_does_the_same(
    catalog: None,
    chat: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await register(chat, "forum-north-january", "מיכל", "0521234567")
    cancelled = _catalogue_with(tmp_path, "forum-north-january", status="cancelled")
    result = hagshama("catalog", "import", str(cancelled), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert len(await outbox(sessions, "event_cancelled")) == 1
    async with sessions() as session:
        [registration] = await session.scalars(select(Registration))
    assert registration.status == "cancelled"
