"""The coordinator's work at movement scale, on PostgreSQL: planning a real broadcast to everyone
(scheduler/broadcasts._plan), its preview count, /stats, a page of a 5,000-person roster and its
CSV export, at 10k and 100k people (bench/population.py builds each database once).

    .venv/bin/python -m bench.scale [--sizes 10000 100000] [--rounds 3]

Every measurement runs in a fresh process, in rounds that alternate the sizes. Planning is
compared with its floor measured in the same round: a bare INSERT … SELECT of as many outbox rows
straight from the identities, no audience, consent or reachability. The other figures are compared
across sizes: planning and counting should grow linearly, a roster page and its export not at all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, text

from bench.figures import Series, scratch_database, server_url
from bench.population import BIG_EVENT, NOW, Population, populate
from handlers.features import FEATURES
from models.db import create_engine, sessionmaker, upgrade

ADMIN = "9001"
"""The national coordinator's Telegram id (ADMIN_TELEGRAM_IDS)."""
ROSTER_PAGE = 120
"""A page deep in the big event's roster: paging must not read the pages before it."""
REPEAT = 5
"""Each query in a round is timed this many times; the round reports the fastest (warm cache)."""
GOALS = {"plan": 2.0, "preview": 0.3, "roster": 0.05, "export": 0.5}


async def plan(url: str) -> dict[str, float]:
    """Queue an approved national broadcast to everyone, as the scheduler does."""
    from handlers.core.context import EngineConfig
    from models.broadcasts import Broadcast, BroadcastStatus
    from models.outbox import OutboxMessage
    from scheduler.broadcasts import _plan
    from scheduler.quiet import QuietHours

    engine = create_engine(url)
    sessions = sessionmaker(engine)
    async with sessions() as session, session.begin():
        broadcast = Broadcast(
            text="עלון המעגל השיתופי יצא!",
            audience={"kind": "everyone"},
            status=BroadcastStatus.SENDING,
        )
        session.add(broadcast)
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        session.add(broadcast)
        await _plan(session, broadcast, NOW, EngineConfig(), QuietHours())
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    async with sessions() as session, session.begin():
        await session.execute(delete(OutboxMessage))
        await session.delete(broadcast)
    await engine.dispose()
    return {"seconds": seconds, "rss_mb": peak, "planned": broadcast.recipients}


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss, which a child started
    by fork and exec inherits from its parent (here, the one that built the population)."""
    status = Path("/proc/self/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


async def floor(url: str, rows: int) -> dict[str, float]:
    """The least any plan of `rows` copies costs: one INSERT … SELECT of as many rows."""
    engine = create_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO outbox (identity_id, dedupe_key, kind, priority, payload,"
                " not_before, status, attempts, created_at)"
                " SELECT id, 'floor:' || id, 'broadcast', 50, '{}', now(), 'pending', 0, now()"
                " FROM channel_identities ORDER BY id LIMIT :rows"
            ),
            {"rows": rows},
        )
    seconds = time.perf_counter() - started
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
    await engine.dispose()
    return {"seconds": seconds}


async def queries(url: str, big_event: int) -> dict[str, float]:
    """Preview count, /stats, a roster page and the export, as the coordinator asks for them."""
    from handlers.coordinators.registrations_admin import RosterExport, RosterShow
    from handlers.core.context import EngineConfig
    from handlers.core.engine import Engine
    from handlers.core.types import Incoming
    from models.broadcast_audience import count_recipients
    from models.broadcasts import Broadcast
    from models.people import Channel

    engine = create_engine(url)
    sessions = sessionmaker(engine)
    config = EngineConfig(admin_addresses=frozenset({ADMIN}))
    bot = Engine(sessions, config, clock=lambda: NOW, features=FEATURES)

    async def ask(payload: str = "", text: str | None = None) -> None:
        incoming = Incoming(Channel.TELEGRAM, ADMIN, text=text, payload=payload or None)
        replies = await bot.handle(incoming)
        assert replies, "the coordinator got no answer"

    async def preview() -> None:
        async with sessions() as session:
            everyone = Broadcast(text="", audience={"kind": "everyone"})
            assert await count_recipients(session, everyone) > 0

    async def best(step: Callable[[], Awaitable[Any]]) -> float:
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            await step()
            times.append(time.perf_counter() - started)
        return min(times)

    await ask(text="/menu")  # the coordinator exists before anything is timed
    figures = {
        "preview": await best(preview),
        "stats": await best(lambda: ask(text="/stats")),
        "roster": await best(lambda: ask(RosterShow(big_event, ROSTER_PAGE).pack())),
        "export": await best(lambda: ask(RosterExport(big_event).pack())),
    }
    await engine.dispose()
    return figures


def child(*arguments: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.scale", "--child", *arguments]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


async def build(url: str, people: int) -> Population:
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.connect() as conn:
        built = await conn.scalar(text("SELECT count(*) FROM people"))
        big = await conn.scalar(text("SELECT min(id) FROM events WHERE slug LIKE 'bench-%'"))
    if built:  # kept from an earlier run (--keep)
        await engine.dispose()
        return Population(int(built), int(big))
    started = time.perf_counter()
    population = await populate(engine, people)
    async with engine.connect() as conn:
        registrations = await conn.scalar(text("SELECT count(*) FROM registrations"))
    await engine.dispose()
    print(
        f"  built {people:,} people, {registrations:,} registrations"
        f" in {time.perf_counter() - started:.0f} s"
    )
    return population


async def main(sizes: list[int], rounds: int, keep: bool) -> None:
    server = await server_url()
    if server is None:
        print("scale: skipped, no PostgreSQL server (BENCH_DATABASE_URL)")
        return
    print(f"coordinator queries on PostgreSQL, {rounds} rounds, {BIG_EVENT:,}-person roster")
    names = [f"hagshama_bench_scale_{size}" if keep else None for size in sizes]
    async with (
        scratch_database(server, names[0]) as small,
        scratch_database(server, names[1]) as large,
    ):
        urls = dict(zip(sizes, [small, large], strict=True))
        populations = {size: await build(urls[size], size) for size in sizes}
        figures: dict[int, dict[str, Series]] = {size: {} for size in sizes}
        for round_ in range(rounds):
            order = sizes if round_ % 2 == 0 else sizes[::-1]
            for size in order:
                url, big = urls[size], str(populations[size].big_event)
                planned = child("plan", url)
                measured = {
                    "plan": planned["seconds"],
                    "rss": planned["rss_mb"],
                    "floor": child("floor", url, str(int(planned["planned"])))["seconds"],
                    **child("queries", url, big),
                }
                for name, value in measured.items():
                    figures[size].setdefault(name, Series()).add(value)
                figures[size].setdefault("planned", Series()).add(planned["planned"])
    report(sizes, figures)


def report(sizes: list[int], figures: dict[int, dict[str, Series]]) -> None:
    small, large = sizes[0], sizes[-1]
    for size in sizes:
        f = figures[size]
        plan_ratio = f["plan"].median / f["floor"].median
        print(f"  {size:,} people, {f['planned'].median:,.0f} copies planned:")
        print(
            f"    plan     {f['plan'].spread('s', '.2f')}, {plan_ratio:.1f}× its floor"
            f" ({f['floor'].median:.2f} s); peak RSS {f['rss'].spread('MB', '.0f')}"
        )
        for name, unit in (("preview", "ms"), ("stats", "ms"), ("roster", "ms"), ("export", "ms")):
            scaled = Series([v * 1000 for v in f[name].values])
            print(f"    {name:8} {scaled.spread(unit, '.1f')}")
    print(
        f"  growth {small:,} → {large:,} people (ratio of medians; linear = {large / small:.0f}):"
    )
    for name in ("plan", "preview", "stats", "roster", "export"):
        growth = figures[large][name].median / figures[small][name].median
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            value = figures[large][name].median
            met = "met" if value < goal else "MISSED"
            verdict = f"  (goal < {goal * 1000:.0f} ms at {large:,}: {met})"
        print(f"    {name:8} ×{growth:.2f}{verdict}")
    rss = figures[large]["rss"].median
    print(
        f"    plan peak RSS at {large:,}: {rss:.0f} MB"
        f" (goal < 150: {'met' if rss < 150 else 'MISSED'})"
    )


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000])
    arguments.add_argument("--rounds", type=int, default=3)
    arguments.add_argument("--keep", action="store_true", help="keep the databases for next time")
    arguments.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.child:
        kind, url, *rest = options.child
        work = {
            "plan": lambda: plan(url),
            "floor": lambda: floor(url, int(rest[0])),
            "queries": lambda: queries(url, int(rest[0])),
        }[kind]
        print(json.dumps(asyncio.run(work())))
    else:
        asyncio.run(main(options.sizes, options.rounds, options.keep))
