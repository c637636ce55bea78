"""`hagshama event cancel SLUG`, and telling registrants what a catalogue import changed."""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_app
from bot.settings import SettingsError, load_settings
from handlers.coordinators.event_notices import announce_change, cancel_event
from handlers.core.context import EngineConfig
from models.audit import audit
from models.base import utcnow
from models.catalog import Event, EventStatus
from models.catalog_entries import ImportReport


async def event(args: argparse.Namespace) -> int:
    """Cancel an event by its slug; audited, with the notices queued in the same transaction."""
    async with open_app(load_settings()) as app, app.sessions() as session, session.begin():
        found = await session.scalar(select(Event).where(Event.slug == args.slug))
        if found is None:
            raise SettingsError(f"event cancel: no event with the slug {args.slug!r}")
        if found.status == EventStatus.CANCELLED:
            print("that event was already cancelled")
            return 1
        told = await cancel_event(session, found, app.engine.config, utcnow())
        await audit(session, None, "event.cancel", f"event:{found.slug}", source="cli", told=told)
    print(f"cancelled {args.slug}; {told} notices queued")
    return 0


async def tell_registrants(
    session: AsyncSession, report: ImportReport, config: EngineConfig
) -> int:
    """Notify the registrants of events an import moved or cancelled; returns notices queued."""
    now = utcnow()
    told = 0
    for moved in report.moved:
        told += await announce_change(session, moved, config, now)
    for cancelled in report.cancelled:
        told += await cancel_event(session, cancelled, config, now)
    for changed in (*report.moved, *report.cancelled):
        action = "event.cancel" if changed in report.cancelled else "event.edit"
        await audit(session, None, action, f"event:{changed.slug}", source="catalog import")
    return told
