"""The `hagshama` command line.

Only argparse is imported up front: each command imports what it uses once it is chosen, so
`hagshama --help` answers at once and `hagshama chat` does not load the HTTP server or the
Telegram and Twilio clients.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

COMMANDS = {
    "chat": "bot.cli_commands:chat",
    "run": "bot.cli_commands:run",
    "db": "bot.cli_commands:db_upgrade",
    "catalog": "bot.cli_commands:catalog_import",
    "admin": "bot.coordinators:admin",
    "export": "bot.exports:export",
    "event": "bot.events_cli:event",
    "people": "bot.people_cli:people",
}
"""Each command's `module:function`, imported only when the command runs."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hagshama", description=__doc__.splitlines()[0])
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

    _admin(commands)
    _export(commands)
    _event(commands)
    people = commands.add_parser("people", help="role holders")
    people_commands = people.add_subparsers(dest="people_command", required=True)
    role_holders = people_commands.add_parser(
        "import", help="add role holders from a CSV file: name, phone, kibbutz, role"
    )
    role_holders.add_argument("file", type=Path)
    return root


def _admin(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    admin = commands.add_parser("admin", help="appoint and remove coordinators")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    for name, text in (("grant", "make someone a coordinator"), ("revoke", "remove a role")):
        action = actions.add_parser(name, help=text)
        who = action.add_mutually_exclusive_group(required=True)
        who.add_argument("--telegram", metavar="ID", help="their Telegram user id")
        who.add_argument("--phone", help="their phone, e.g. +972501234567 or 050-1234567")
        who.add_argument("--console", metavar="USER", help="a `hagshama chat --user` name")
        if name == "grant":
            action.add_argument("--national", action="store_true", help="reach everyone")
        verb = "add" if name == "grant" else "remove only"
        action.add_argument(
            "--region", action="append", default=[], help=f"{verb} a region: north, center…"
        )
        action.add_argument("--track", action="append", default=[], help=f"{verb} a track's slug")
        action.add_argument(
            "--kibbutz", metavar="SLUG", help="instead: the contact person of this kibbutz"
        )
    actions.add_parser("list", help="everyone holding a role")


def _export(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser("export", help="an event's registrations as XLSX or CSV")
    export.add_argument("--event", required=True, metavar="SLUG", help="the event's slug")
    export.add_argument(
        "--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx (as in the chat) or csv"
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.add_argument("--lang", help="column headings' language: he or en (DEFAULT_LOCALE)")


def _event(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    event = commands.add_parser("event", help="manage one event")
    actions = event.add_subparsers(dest="event_command", required=True)
    cancel = actions.add_parser(
        "cancel", help="cancel an event: registrations released, everyone registered told"
    )
    cancel.add_argument("slug")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    module, name = COMMANDS[args.command].split(":")
    action: Callable[[argparse.Namespace], Awaitable[int]] = getattr(
        importlib.import_module(module), name
    )
    import asyncio

    from bot.settings import SettingsError
    from models.catalog_entries import CatalogError

    try:
        return asyncio.run(action(args))  # type: ignore[arg-type]
    except (SettingsError, CatalogError) as exc:
        print(f"hagshama: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
