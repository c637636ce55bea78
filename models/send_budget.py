"""One send budget per platform, kept in PostgreSQL so every instance draws on the same one.

A budget is a single row: `due`, the moment (the database's clock, epoch seconds) from which its
next slot is free. Taking `count` slots moves `due` on by `count` intervals in one statement,
so instances never hand out the same slot; a 429 moves it past the platform's retry_after.
"""

from __future__ import annotations

from sqlalchemy import Float, String, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SendBudget(Base):
    __tablename__ = "send_budgets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True, doc="telegram, whatsapp")
    due: Mapped[float] = mapped_column(Float, doc="epoch seconds when the next slot is free")
    held: Mapped[float] = mapped_column(Float, default=0.0, doc="no sending before (a 429)")


# The row is made by the first instance that sends. The clock is read once the row is locked
# (clock_timestamp(), not the statement's start), so a wait for another instance's statement
# does not make the slots look earlier than they are.
_TAKE = text(
    """
    INSERT INTO send_budgets (name, due, held)
    VALUES (:name, extract(epoch FROM clock_timestamp())::float8 + :span, 0)
    ON CONFLICT (name) DO UPDATE
        SET due = greatest(send_budgets.due, extract(epoch FROM clock_timestamp())::float8) + :span
    RETURNING due - :span AS first, held, extract(epoch FROM clock_timestamp())::float8 AS now
    """
)

_HOLD = text(
    """
    INSERT INTO send_budgets (name, due, held)
    VALUES (
        :name,
        extract(epoch FROM clock_timestamp())::float8 + :wait,
        extract(epoch FROM clock_timestamp())::float8 + :wait
    )
    ON CONFLICT (name) DO UPDATE SET
        due = greatest(send_budgets.due, excluded.held),
        held = greatest(send_budgets.held, excluded.held)
    """
)


async def take(
    conn: AsyncConnection, name: str, count: int, interval: float
) -> tuple[float, float, float]:
    """Reserve `count` consecutive slots `interval` seconds apart, the first as early as the
    budget allows; returns (the first slot, no sending before, the database's now), all epoch
    seconds: slots taken before a 429 met elsewhere may fall inside its pause."""
    row = (await conn.execute(_TAKE, {"name": name, "span": count * interval})).one()
    return float(row.first), float(row.held), float(row.now)


async def hold(conn: AsyncConnection, name: str, seconds: float) -> None:
    """No slot of this budget before `seconds` from now: the platform asked us to wait."""
    await conn.execute(_HOLD, {"name": name, "wait": seconds})
