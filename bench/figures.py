"""What every benchmark shares: a series of rounds summed up as min / median / max, and scratch
databases (a SQLite file, or a PostgreSQL database created for the run and dropped after)."""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import create_engine

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Series:
    """One figure over several rounds."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self, unit: str, form: str = ".1f") -> str:
        """`median unit (min–max)`."""
        low, high = min(self.values), max(self.values)
        return f"{self.median:{form}} {unit} ({low:{form}}–{high:{form}})"


async def server_url() -> str | None:
    """The PostgreSQL server benchmarks create their databases on, if it answers."""
    engine = create_engine(SERVER)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # any failure to connect means "no server"
        return None
    finally:
        await engine.dispose()
    return SERVER


@asynccontextmanager
async def scratch_database(url: str, keep: str | None = None) -> AsyncIterator[str]:
    """`url` itself for SQLite; for PostgreSQL a new database on that server, dropped after —
    or, given a name to `keep`, that database, made if missing and left for the next run."""
    if make_url(url).get_backend_name() != "postgresql":
        yield url
        return
    name = keep or f"hagshama_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        found = await conn.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not found:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep is None:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
