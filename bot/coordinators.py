"""`hagshama admin grant | revoke | list`: appoint coordinators from the command line."""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_app
from bot.kibbutz_cli import kibbutz_role, list_contacts
from bot.settings import SettingsError, load_settings
from models.audit import audit
from models.people import Person, person_at
from models.phones import to_e164
from models.roles import CoordinatorRole, RoleScope, UnknownScope, check_scope, grant, revoke


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
            await list_contacts(session)
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
        if args.kibbutz:
            if args.region or args.track or getattr(args, "national", False):
                raise SettingsError("--kibbutz appoints a contact person; leave out the rest")
            return await kibbutz_role(session, args.admin_command, person.id, args.kibbutz)
        if args.admin_command == "revoke":
            return await _revoke(session, person.id, args.region, args.track)
        if not args.national and not (args.region or args.track):
            raise SettingsError("grant: give --national, or --region/--track for a regional role")
        if args.national and (args.region or args.track):
            raise SettingsError("grant: --national reaches everyone; leave out --region/--track")
        try:
            await check_scope(session, args.region, args.track)
        except UnknownScope as unknown:
            raise SettingsError(f"grant: {unknown}") from unknown
        held = await session.scalar(
            select(CoordinatorRole.scope).where(CoordinatorRole.person_id == person.id)
        )
        if held == RoleScope.NATIONAL and not args.national:
            print(f"person {person.id} is a national coordinator already; revoke first to narrow")
            return 1
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
        reach = ", ".join([*role.regions, *role.tracks]) or "everyone"
        print(f"person {person.id} is now a {scope} coordinator: {reach}")
    return 0


async def _revoke(
    session: AsyncSession, person_id: int, regions: list[str], tracks: list[str]
) -> int:
    """Remove the role, or only the regions and tracks named; audited either way."""
    removed = await revoke(session, person_id, regions, tracks)
    target = f"person:{person_id}"
    await audit(
        session,
        None,
        "admin.revoke",
        target,
        allowed=removed,
        source="cli",
        regions=regions,
        tracks=tracks,
    )
    if not removed:
        print("that person holds no role" if not (regions or tracks) else "nothing to remove")
        return 1
    role = await session.scalar(
        select(CoordinatorRole).where(CoordinatorRole.person_id == person_id)
    )
    if role is None:
        print("role revoked")
    else:
        print(f"person {person_id} now coordinates: {', '.join([*role.regions, *role.tracks])}")
    return 0
