"""The role holders' list in the chat: how long a coordinator waits, and how long the answer
holds the database's writer, for a list of 5,000 new people.

    .venv/bin/python -m bench.role_import [--rows 5000] [--rounds 3]

Per round and database (SQLite, and PostgreSQL when BENCH_DATABASE_URL's server answers), on a
fresh database with the demo catalogue: the preview (the file read and every row judged) and
the import on confirmation, each one conversation turn through the engine — the file is at
hand, as the console sends it, so no download is counted. The reference, measured in the same
round, is the floor: the same people, WhatsApp identities and consent records written by three
plain multi-row INSERTs in one transaction. The rounds alternate which goes first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.figures import Series, scratch_database, server_url
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.types import InboundFile, Incoming
from handlers.features import FEATURES
from handlers.people.waitlist import OfferNotices
from models.base import Base, utcnow
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from models.people import Channel, person_at
from models.roles import RoleScope, grant

COORDINATOR = "local"


def listed(rows: int) -> bytes:
    lines = ["שם,טלפון,קיבוץ,תפקיד"]
    lines += [f"איש {n},05{n % 10}{n:07d},סאסא,גזבר/ית" for n in range(rows)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


async def chat_import(url: str, data: bytes) -> tuple[float, float]:
    """Seconds for the preview and for the import, as the coordinator's two turns."""
    engine = create_engine(url)
    sessions = sessionmaker(engine)
    async with sessions() as session, session.begin():
        await grant(session, await person_at(session, console_user=COORDINATOR), RoleScope.NATIONAL)
    bot = Engine(sessions, EngineConfig(), features=FEATURES)
    address = f"console:{COORDINATOR}"
    await bot.handle(Incoming(Channel.CONSOLE, address, text="/import_people"))
    file = InboundFile("list.csv", "text/csv", len(data), data=data)
    started = time.perf_counter()
    [preview] = await bot.handle(Incoming(Channel.CONSOLE, address, media="document", file=file))
    previewed = time.perf_counter()
    [done] = await bot.handle(Incoming(Channel.CONSOLE, address, payload="pic"))
    imported = time.perf_counter()
    assert "5" in preview.text and "✅" in done.text, (preview.text, done.text)
    await engine.dispose()
    return previewed - started, imported - previewed


async def floor(url: str, rows: int) -> float:
    """Seconds for the same rows written by plain INSERTs in one transaction."""
    engine = create_engine(url)
    tables = Base.metadata.tables
    now = utcnow()
    started = time.perf_counter()
    async with engine.begin() as conn:
        phones = [f"+9725{n % 10}{n:07d}" for n in range(rows)]
        ids = (
            (
                await conn.execute(
                    insert(tables["people"]).returning(tables["people"].c.id),
                    [
                        {
                            "phone": p,
                            "name": f"איש {n}",
                            "kibbutz": "sasa",
                            "roles": ["treasurer"],
                            "interests": [],
                            "phone_verified": True,
                            "created_at": now,
                        }
                        for n, p in enumerate(phones)
                    ],
                )
            )
            .scalars()
            .all()
        )
        await conn.execute(
            insert(tables["channel_identities"]),
            [
                {
                    "person_id": i,
                    "channel": "whatsapp",
                    "address": f"whatsapp:{p}",
                    "status": "active",
                    "first_seen": now,
                    "last_seen": now,
                }
                for i, p in zip(ids, phones, strict=True)
            ],
        )
        await conn.execute(
            insert(tables["consent_records"]),
            [
                {
                    "person_id": i,
                    "action": "imported",
                    "channel": "import",
                    "wording_version": "v",
                    "at": now,
                }
                for i in ids
            ],
        )
    seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds


async def fresh(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    async with sessionmaker(engine)() as session, session.begin():
        await import_catalog(session, DEMO_CATALOG, OfferNotices(EngineConfig()))
    await engine.dispose()


async def main(rows: int, rounds: int) -> None:
    data = listed(rows)
    servers = {"sqlite": None, "postgresql": await server_url()}
    print(f"{rows} rows, {len(data) / 1024:.0f} KiB; load {os.getloadavg()[0]:.1f}")
    for kind, server in servers.items():
        if kind == "postgresql" and server is None:
            print("postgresql: no server answers BENCH_DATABASE_URL; skipped")
            continue
        preview, imported, reference = Series(), Series(), Series()
        for number in range(rounds):
            with tempfile.TemporaryDirectory() as scratch:
                for first_chat in (True, False) if number % 2 == 0 else (False, True):
                    base = server or f"sqlite:///{Path(scratch) / f'r{first_chat}.db'}"
                    async with scratch_database(base) as url:
                        await fresh(url)
                        if first_chat:
                            seconds = await chat_import(url, data)
                            preview.add(seconds[0])
                            imported.add(seconds[1])
                        else:
                            reference.add(await floor(url, rows))
        ratios = Series([i / r for i, r in zip(imported.values, reference.values, strict=True)])
        print(
            f"{kind}: preview {preview.spread('s', '.2f')}, import {imported.spread('s', '.2f')},"
            f" floor {reference.spread('s', '.2f')}, import/floor {ratios.spread('×')}"
            f" (min–max; load now {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.rounds))
