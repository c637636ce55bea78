"""The `hagshama` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.app import ensure_demo_catalog, open_app
from bot.console import converse
from bot.coordinators import add_parser as add_admin_parser
from bot.coordinators import admin
from bot.events_cli import add_parser as add_event_parser
from bot.events_cli import event, tell_registrants
from bot.exports import add_parser as add_export_parser
from bot.exports import export
from bot.serve import require_channels, serve
from bot.settings import SettingsError, load_settings
from handlers.waitlist import OfferNotices
from models.catalog_entries import CatalogError
from models.catalog_import import import_catalog


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hagshama", description=__doc__)
    root.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = root.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal (console channel)")
    chat.add_argument("--script", type=Path, help="play lines from FILE and print the transcript")
    chat.add_argument("--user", default="local", help="who is talking (separate conversations)")
    chat.add_argument("--save-attachments", type=Path, metavar="DIR", help="write files here")

    commands.add_parser("run", help="serve every configured channel and the HTTP endpoints")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="bring the schema to the latest version")

    catalog = commands.add_parser("catalog", help="tracks, events, topics and questions")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True)
    load = catalog_commands.add_parser("import", help="create or update entries from a YAML file")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--force",
        action="store_true",
        help="overwrite what coordinators changed in the chat too "
        "(capacity never below the seats taken)",
    )

    add_admin_parser(commands)
    add_export_parser(commands)
    add_event_parser(commands)
    return root


async def chat(args: argparse.Namespace) -> int:
    """Start the console channel on the configured database (SQLite by default)."""
    async with open_app(load_settings()) as app:
        if await ensure_demo_catalog(app):
            logging.getLogger("hagshama").info("loaded the demo catalogue")
        script = args.script.read_text(encoding="utf-8").splitlines() if args.script else None
        await converse(app, f"console:{args.user}", script, args.save_attachments)
    return 0


async def run(args: argparse.Namespace) -> int:
    """Serve the configured channels (Telegram) and /healthz, /metrics until interrupted."""
    settings = load_settings()
    require_channels(settings)
    async with open_app(settings) as app:
        if await ensure_demo_catalog(app):
            logging.getLogger("hagshama").info("loaded the demo catalogue")
        print(f"hagshama: serving on http://{settings.http_host}:{settings.http_port}", flush=True)
        await serve(app)
    return 0


async def db_upgrade(args: argparse.Namespace) -> int:
    async with open_app(load_settings()):
        print("database schema is up to date")
    return 0


async def catalog_import(args: argparse.Namespace) -> int:
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


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    action = {
        "chat": chat,
        "run": run,
        "db": db_upgrade,
        "catalog": catalog_import,
        "admin": admin,
        "export": export,
        "event": event,
    }[args.command]
    try:
        return asyncio.run(action(args))
    except (SettingsError, CatalogError) as exc:
        print(f"hagshama: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
