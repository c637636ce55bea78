"""The commands `hagshama chat`, `run`, `db upgrade` and `catalog import`. Each imports the
heavy parts it needs when it runs: the console does not load the HTTP server or the Telegram and
Twilio clients."""

from __future__ import annotations

import argparse
import gc
import logging

from bot.app import ensure_demo_catalog, open_app
from bot.settings import load_settings


async def chat(args: argparse.Namespace) -> int:
    """Start the console channel on the configured database (SQLite by default)."""
    from bot.console import converse

    async with open_app(load_settings()) as app:
        if await ensure_demo_catalog(app):
            logging.getLogger("hagshama").info("loaded the demo catalogue")
        script = args.script.read_text(encoding="utf-8").splitlines() if args.script else None
        await converse(app, f"console:{args.user}", script, args.save_attachments)
    return 0


async def run(args: argparse.Namespace) -> int:
    """Serve the configured channels (Telegram) and /healthz, /metrics until interrupted."""
    from bot.serve import require_channels, serve

    settings = load_settings()
    require_channels(settings)
    async with open_app(settings) as app:
        if await ensure_demo_catalog(app):
            logging.getLogger("hagshama").info("loaded the demo catalogue")
        print(f"hagshama: serving on http://{settings.http_host}:{settings.http_port}", flush=True)
        apart = settings.answering_process
        if apart is None:
            apart = app.db.dialect.name != "sqlite"
        # What start-up made lives as long as the process: frozen out of the collector's sight,
        # a full collection no longer walks it while webhooks wait (stalls of ~0.2 s, which
        # decided the acknowledgements' p99 in bench.webhook_ack).
        gc.freeze()
        await serve(app, apart=apart)
    return 0


async def db_upgrade(args: argparse.Namespace) -> int:
    async with open_app(load_settings()):
        print("database schema is up to date")
    return 0


async def catalog_import(args: argparse.Namespace) -> int:
    from bot.events_cli import tell_registrants
    from handlers.people.waitlist import OfferNotices
    from models.catalog_import import import_catalog

    async with open_app(load_settings()) as app, app.sessions() as session, session.begin():
        offers = OfferNotices(app.engine.config)
        report = await import_catalog(session, args.file, offers, force=args.force)
        told = await tell_registrants(session, report, app.engine.config)
    print(f"created {report.created or 'nothing'}; updated {report.updated or 'nothing'}")
    for conflict in report.conflicts:
        print(f"left alone: {conflict}")
    if report.conflicts and not args.force:
        print("--force overwrites what was changed in the chat")
    if told:
        print(f"{told} notices queued to registrants of moved or cancelled events")
    return 0
