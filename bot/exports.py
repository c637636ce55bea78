"""`hagshama export --event SLUG [--format xlsx|csv] [--out FILE]`: an event's registrations as
an Excel workbook (the same file coordinators get in the chat) or as CSV."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from bot.app import open_app
from bot.settings import SettingsError, load_settings
from handlers.coordinators.roster import entries, roster_csv
from handlers.coordinators.roster_extras import with_extras
from handlers.coordinators.roster_xlsx import roster_xlsx
from locales import SUPPORTED_LOCALES, Translator
from models.audit import audit
from models.base import utcnow
from models.catalog import Event

FORMATS = {"xlsx": roster_xlsx, "csv": roster_csv}
"""What `--format` names (bot.cli offers the same choices, without importing this module)."""


async def export(args: argparse.Namespace) -> int:
    """Write the file and audit the export; an unknown slug is an error, not an empty file."""
    settings = load_settings()
    if args.lang is not None and args.lang not in SUPPORTED_LOCALES:
        raise SettingsError(f"--lang: one of {', '.join(SUPPORTED_LOCALES)}")
    async with open_app(settings) as app, app.sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == args.event))
        if event is None:
            print(f"hagshama: no event with the slug {args.event!r}", file=sys.stderr)
            return 1
        t = Translator(args.lang or settings.default_locale)
        rows = await entries(session, event)
        extra, rows = await with_extras(session, t, event, rows, utcnow())
        data = FORMATS[args.format](t, settings.timezone, rows, extra)
        await audit(
            session,
            None,
            "registrations.export",
            f"event:{event.slug}",
            rows=len(rows),
            source="cli",
            format=args.format,
            out=str(args.out) if args.out else "stdout",
        )
    if args.out:
        args.out.write_bytes(data)
        print(f"{len(rows)} registrations written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0
