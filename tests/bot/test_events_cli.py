"""`hagshama catalog import` and `hagshama event cancel` tell registrants, like the chat tools."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event
from models.catalog_import import DEMO_CATALOG
from models.registrations import Registration
from tests.handlers.attendees import sign_up
from tests.handlers.people.test_my import register
from tests.scheduler.support import outbox
from tests.support import Chat, hagshama

# libyaml where PyYAML has it: PyYAML's own parser and emitter take seconds of CPU for the
# whole demo catalogue, read and written again for each edit.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _catalogue_with(tmp_path: Path, slug: str, **changes: object) -> Path:
    """The demo catalogue with one event changed, as a coordinator would edit the file."""
    catalogue = yaml.load(DEMO_CATALOG.read_text(encoding="utf-8"), Loader=LOADER)
    [entry] = [entry for entry in catalogue["events"] if entry["slug"] == slug]
    entry.update(changes)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.dump(catalogue, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
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

    entry = yaml.load(DEMO_CATALOG.read_text(encoding="utf-8"), Loader=LOADER)["events"]
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


async def test_a_reimport_keeps_what_coordinators_changed_in_the_chat_and_says_so(
    catalog: None,
    coordinated: Engine,
    national: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    # Two seats, three people: the third waits until the coordinator adds a seat in the chat.
    people = [
        await sign_up(coordinated, f"p{n}", "workshop-mini-demo", f"אדם {n}", f"054-555000{n}")
        for n in range(3)
    ]
    await national.send("/manage_events")
    await national.press("מושב ניסיון")
    await national.press("שינוי מספר המקומות")
    await national.send("3")
    [offer] = await outbox(sessions, "waitlist_offer")
    await people[2].press_payload(offer.payload["buttons"][0][0]["payload"])
    assert "נרשמתם" in people[2].text

    unchanged = hagshama("catalog", "import", str(DEMO_CATALOG), database_url=database_url)
    assert unchanged.returncode == 0, unchanged.stderr
    assert "left alone: events/workshop-mini-demo: capacity kept as 3" in unchanged.stdout
    assert "the file says 2" in unchanged.stdout and "--force" in unchanged.stdout
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "workshop-mini-demo"))
        assert event is not None and (event.capacity, event.taken) == (3, 3)

    # Forced, the file wins where it can, never below the three seats taken.
    forced = hagshama("catalog", "import", str(DEMO_CATALOG), "--force", database_url=database_url)
    assert forced.returncode == 0, forced.stderr
    assert "capacity kept as 3 (3 seats are confirmed or held)" in forced.stdout
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "workshop-mini-demo"))
        assert event is not None and (event.capacity, event.taken) == (3, 3)

    # One of the three cancels: the seat is simply free; nobody is offered a seat that is gone.
    await people[0].send("/my")
    await people[0].press("מושב ניסיון")
    await people[0].press("ביטול ההרשמה")
    await people[0].press("כן, לבטל")
    newcomer = await sign_up(coordinated, "p9", "workshop-mini-demo", "חדשה", "054-5550009")
    assert "נרשמתם" in newcomer.text


async def test_a_title_changed_in_the_chat_survives_a_reimport_that_changes_others(
    catalog: None,
    national: Chat,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await national.send("/manage_events")
    await national.press("פורום צפון")
    await national.press("שינוי השם")
    await national.send("פורום הצפון — ינואר")
    edited = _catalogue_with(
        tmp_path,
        "forum-north-january",
        title={"he": "פורום צפון (מעודכן)", "en": "Northern forum"},
        capacity=50,
    )
    result = hagshama("catalog", "import", str(edited), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "events/forum-north-january: title kept as" in result.stdout
    assert "פורום הצפון — ינואר" in result.stdout
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        assert event.content["he"]["title"] == "פורום הצפון — ינואר"
        assert event.capacity == 50  # nobody touched the seats in the chat: the file's to set
