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
