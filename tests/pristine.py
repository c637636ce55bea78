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

Fingerprint = dict[str, tuple[int, int, int]]
"""Per table: its rows, a digest of their contents and places (ctid), and its size on disk
with indexes. A table whose fingerprint is as it was after the last restore holds what the
template holds, laid out as a restore lays it out."""


@dataclass(frozen=True)
class Pristine:
    """What a template holds, to be put back into a copy a test has used: its rows (tables in
    an order foreign keys accept), its sequences' positions and its schema's shape."""

    tables: tuple[str, ...]
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    sequences: dict[str, tuple[int, bool]]
    shape: str
    referrers: dict[str, frozenset[str]]
    """The tables whose foreign keys point at each table: emptied along with it."""

    @classmethod
    async def read(cls, conn: asyncpg.Connection) -> Pristine:
        names = [r[0] for r in await conn.fetch(TABLES)]
        needs: dict[str, set[str]] = {name: set() for name in names}
        referrers: dict[str, set[str]] = {name: set() for name in names}
        for table, referenced in await conn.fetch(REFERENCES):
            if table != referenced:
                needs[table].add(referenced)
                referrers[referenced].add(table)
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
        shape = await conn.fetchval(SHAPE)
        referred = {name: frozenset(tables) for name, tables in referrers.items()}
        return cls(tuple(ordered), rows, sequences, shape, referred)

    async def restore(
        self, conn: asyncpg.Connection, kept: Fingerprint | None = None
    ) -> Fingerprint | None:
        """Put the template's rows and sequences back: into every table, or, given the
        fingerprint `kept` of the last restore, into the tables that changed since (emptying
        a table costs the server milliseconds, however few rows it holds). The fingerprint to
        keep for next time; None if the schema changed (nothing done)."""
        if await conn.fetchval(SHAPE) != self.shape:
            return None
        if kept is None:
            changed = set(self.tables)
        else:
            now = await self.fingerprint(conn)
            changed = self._with_referrers({t for t in self.tables if now[t] != kept[t]})
        dirty = [table for table in self.tables if table in changed]
        async with conn.transaction():
            if dirty:
                await conn.execute(f"TRUNCATE {', '.join(map(quoted, dirty))}")
            for table in dirty:
                if table in self.rows:
                    columns, records = self.rows[table]
                    await conn.copy_records_to_table(table, records=records, columns=columns)
            positions = (
                f"setval('{quoted(name)}', {value}, {called})"
                for name, (value, called) in self.sequences.items()
            )
            await conn.execute(f"SELECT {', '.join(positions)}")
        # The planner's statistics as well: the same for every copy, whatever ran there before
        # (a table that did not change keeps those of the last restore).
        if kept is None:
            await conn.execute("ANALYZE")
        elif dirty:
            await conn.execute(f"ANALYZE {', '.join(map(quoted, dirty))}")
        else:
            return kept
        return await self.fingerprint(conn)

    async def fingerprint(self, conn: asyncpg.Connection) -> Fingerprint:
        parts = (
            f"SELECT {n}, count(*), coalesce(sum(hashtext(t.ctid::text || t::text)), 0), "
            f"pg_total_relation_size('{quoted(name)}') FROM {quoted(name)} t"
            for n, name in enumerate(self.tables)
        )
        found = await conn.fetch(" UNION ALL ".join(parts))
        return {self.tables[n]: (count, digest, size) for n, count, digest, size in found}

    def _with_referrers(self, tables: set[str]) -> set[str]:
        """`tables` and, transitively, those referring to them: TRUNCATE empties them all."""
        found, todo = set(tables), list(tables)
        while todo:
            for referrer in self.referrers[todo.pop()] - found:
                found.add(referrer)
                todo.append(referrer)
        return found
