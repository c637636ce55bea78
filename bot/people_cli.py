"""`hagshama people import FILE`: add role holders from a coordinator's CSV list."""

from __future__ import annotations

import argparse

from bot.app import open_app
from bot.settings import SettingsError, load_settings
from models.audit import audit
from models.base import utcnow
from models.role_check import Refusal
from models.role_file import RoleFileError, read_rows
from models.role_import import import_role_holders

REFUSALS = {
    Refusal.PHONE: "unknown or missing phone",
    Refusal.KIBBUTZ: "unknown or missing kibbutz",
    Refusal.ROLE: "unknown or missing role",
    Refusal.DUPLICATE: "the phone is on an earlier line too",
    Refusal.REACH: "outside the importer's regions",
}


async def people(args: argparse.Namespace) -> int:
    """Import the list in one transaction; audited with the people's ids, never their data."""
    try:
        rows = read_rows(args.file.read_bytes())
    except (OSError, RoleFileError) as exc:
        raise SettingsError(f"people import: {exc}") from exc
    async with open_app(load_settings()) as app, app.sessions() as session, session.begin():
        result = await import_role_holders(session, rows, utcnow())
        await audit(
            session,
            None,
            "people.import",
            args.file.name,
            source="cli",
            created=result.created,
            updated=result.updated,
            refused=[line for line, _ in result.refused],
        )
    for line, reason in result.refused:
        print(f"line {line}: {REFUSALS[reason]}; skipped")
    print(
        f"{len(result.created)} role holders added, {len(result.updated)} updated; "
        "imported, not yet consented: invitations by the WhatsApp opt-in template only"
    )
    return 0
