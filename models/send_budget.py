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


# The row is made by the first instance that sends; `clock` is read once per statement.
_TAKE = text(
    """
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
    INSERT INTO send_budgets (name, due)
    SELECT :name, now + :span FROM clock
    ON CONFLICT (name) DO UPDATE
        SET due = greatest(send_budgets.due, excluded.due - :span) + :span
    RETURNING due - :span AS first, (SELECT now FROM clock) AS now
    """
)

_HOLD = text(
    """
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
    INSERT INTO send_budgets (name, due)
    SELECT :name, now + :wait FROM clock
    ON CONFLICT (name) DO UPDATE SET due = greatest(send_budgets.due, excluded.due)
    """
)


async def take(
    conn: AsyncConnection, name: str, count: int, interval: float
) -> tuple[float, float]:
    """Reserve `count` consecutive slots `interval` seconds apart, the first as early as the
    budget allows; returns (the first slot, the database's now), both epoch seconds."""
    row = (await conn.execute(_TAKE, {"name": name, "span": count * interval})).one()
    return float(row.first), float(row.now)


async def hold(conn: AsyncConnection, name: str, seconds: float) -> None:
    """No slot of this budget before `seconds` from now: the platform asked us to wait."""
    await conn.execute(_HOLD, {"name": name, "wait": seconds})
