"""What a PostgreSQL template holds, kept so that a copy a test has used can be put back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


SHAPE = """
SELECT md5(string_agg(c.relname || ' ' || c.relkind::text || ' ' || coalesce(columns, ''), ';'
                      ORDER BY c.relname))
FROM pg_class c
LEFT JOIN LATERAL (
    SELECT string_agg(attname || ' ' || atttypid::regtype::text, ',' ORDER BY attnum) AS columns
    FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped
) AS shape ON true
WHERE c.relnamespace = 'public'::regnamespace
"""
"""A digest of the schema's relations and columns: a copy whose schema a test changed is
dropped rather than reused."""

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
REFERENCES = """
SELECT a.relname, b.relname FROM pg_constraint
JOIN pg_class a ON a.oid = conrelid JOIN pg_class b ON b.oid = confrelid
WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""


@dataclass(frozen=True)
class Pristine:
    """What a template holds, to be put back into a copy a test has used: its rows (tables in
    an order foreign keys accept), its sequences' positions and its schema's shape."""

    tables: tuple[str, ...]
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    sequences: dict[str, tuple[int, bool]]
    shape: str

    @classmethod
    async def read(cls, conn: asyncpg.Connection) -> Pristine:
        names = [r[0] for r in await conn.fetch(TABLES)]
        needs: dict[str, set[str]] = {name: set() for name in names}
        for table, referenced in await conn.fetch(REFERENCES):
            if table != referenced:
                needs[table].add(referenced)
        ordered: list[str] = []
        while needs:
            ready = sorted(name for name, wanted in needs.items() if not wanted - set(ordered))
            ordered += ready
            for name in ready:
                del needs[name]
        rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for name in ordered:
            if found := await conn.fetch(f"SELECT * FROM {quoted(name)}"):
                rows[name] = (list(found[0].keys()), [tuple(row) for row in found])
        sequences = {}
        for (name,) in await conn.fetch(SEQUENCES):
            position = await conn.fetchrow(f"SELECT last_value, is_called FROM {quoted(name)}")
            sequences[name] = (position[0], position[1])
        return cls(tuple(ordered), rows, sequences, await conn.fetchval(SHAPE))

    async def restore(self, conn: asyncpg.Connection) -> bool:
        """Put the template's rows and sequences back (False: the schema changed; not done)."""
        if await conn.fetchval(SHAPE) != self.shape:
            return False
        async with conn.transaction():
            await conn.execute(f"TRUNCATE {', '.join(map(quoted, self.tables))}")
            for table, (columns, records) in self.rows.items():
                await conn.copy_records_to_table(table, records=records, columns=columns)
            positions = (
                f"setval('{quoted(name)}', {value}, {called})"
                for name, (value, called) in self.sequences.items()
            )
            await conn.execute(f"SELECT {', '.join(positions)}")
        # The planner's statistics as well: the same for every copy, whatever ran there before.
        await conn.execute("ANALYZE")
        return True
