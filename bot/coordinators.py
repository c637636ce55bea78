"""`hagshama admin grant | revoke | list`: appoint coordinators from the command line."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.app import open_app
from bot.settings import SettingsError, load_settings
from models.audit import audit
from models.people import Person, person_at
from models.phones import to_e164
from models.roles import CoordinatorRole, RoleScope, grant, revoke


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
            action.add_argument("--region", action="append", default=[], help="north, center…")
            action.add_argument("--track", action="append", default=[], help="a track's slug")
    actions.add_parser("list", help="everyone holding a role")


async def admin(args: argparse.Namespace) -> int:
    """Grant, revoke or list coordinator roles; every change is audited."""
    async with open_app(load_settings()) as app, app.sessions() as session, session.begin():
        if args.admin_command == "list":
            rows = await session.execute(
                select(CoordinatorRole, Person).join(Person, Person.id == CoordinatorRole.person_id)
            )
            for role, person in rows:
                reach = ", ".join([*role.regions, *role.tracks]) or "everyone"
                who = "\t".join((str(person.id), person.name or "-", person.phone or "-"))
                print(f"{who}\t{role.scope}\t{reach}")
            return 0
        phone = None
        if args.phone is not None:
            phone = to_e164(args.phone)
            if phone is None:
                raise SettingsError(f"--phone: not a phone number: {args.phone!r}")
        person = await person_at(
            session, telegram_id=args.telegram, phone=phone, console_user=args.console
        )
        target = f"person:{person.id}"
        if args.admin_command == "revoke":
            removed = await revoke(session, person.id)
            await audit(session, None, "admin.revoke", target, allowed=removed, source="cli")
            print("role revoked" if removed else "that person holds no role")
            return 0 if removed else 1
        if not args.national and not (args.region or args.track):
            raise SettingsError("grant: give --national, or --region/--track for a regional role")
        scope = RoleScope.NATIONAL if args.national else RoleScope.REGIONAL
        role = await grant(session, person, scope, args.region, args.track)
        await audit(
            session,
            None,
            "admin.grant",
            target,
            source="cli",
            scope=scope,
            regions=role.regions,
            tracks=role.tracks,
        )
        print(f"person {person.id} is now a {scope} coordinator")
    return 0
