"""events: seats held for offers count as taken; what the last catalogue import set

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDING = ("confirmed", "offered")


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would drop the table's AUTOINCREMENT.
    op.add_column(
        "events",
        sa.Column(
            "imported",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )
    # `taken` now counts the seats held for an open offer too, so seats left is capacity − taken.
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("taken", sa.Integer))
    registrations = sa.table(
        "registrations",
        sa.column("event_id", sa.Integer),
        sa.column("status", sa.String),
    )
    holding = (
        sa.select(sa.func.count())
        .where(registrations.c.event_id == events.c.id, registrations.c.status.in_(HOLDING))
        .scalar_subquery()
    )
    op.execute(events.update().values(taken=holding))


def downgrade() -> None:
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("taken", sa.Integer))
    registrations = sa.table(
        "registrations",
        sa.column("event_id", sa.Integer),
        sa.column("status", sa.String),
    )
    confirmed = (
        sa.select(sa.func.count())
        .where(registrations.c.event_id == events.c.id, registrations.c.status == "confirmed")
        .scalar_subquery()
    )
    op.execute(events.update().values(taken=confirmed))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("imported")
