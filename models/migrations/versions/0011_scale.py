"""scale: the indexes coordinator queries need, broadcast copies by column, the shared send budget

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_registrations_person_id", "registrations", ["person_id"])
    op.create_index("ix_registrations_created_at", "registrations", ["created_at"])
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would rebuild the whole outbox.
    op.add_column("outbox", sa.Column("broadcast_id", sa.Integer(), nullable=True))
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"])
    _number_broadcast_copies()
    op.create_table(
        "send_budgets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("due", sa.Float(), nullable=False),
        sa.Column("held", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_budgets")),
    )


def _number_broadcast_copies() -> None:
    """Copies queued before this version are keyed `bc:<broadcast id>:<identity id>`."""
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("dedupe_key", sa.String),
        sa.column("broadcast_id", sa.Integer),
    )
    connection = op.get_bind()
    copies = connection.execute(
        sa.select(outbox.c.id, outbox.c.dedupe_key).where(
            outbox.c.kind == "broadcast", outbox.c.dedupe_key.like("bc:%:%")
        )
    ).all()
    if copies:
        connection.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("row"))
            .values(broadcast_id=sa.bindparam("broadcast")),
            [{"row": row, "broadcast": int(key.split(":")[1])} for row, key in copies],
        )


def downgrade() -> None:
    op.drop_table("send_budgets")
    op.drop_index("ix_outbox_broadcast_id", table_name="outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("broadcast_id")
    op.drop_index("ix_registrations_created_at", table_name="registrations")
    op.drop_index("ix_registrations_person_id", table_name="registrations")
