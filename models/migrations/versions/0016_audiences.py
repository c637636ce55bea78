"""audiences: the catalogue's roles, role holders' events; broadcasts in two languages, timed

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "movement_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_roles")),
        sa.UniqueConstraint("slug", name=op.f("uq_movement_roles_slug")),
    )
    # Plain ADD COLUMNs: a batch (copy-and-move) would rebuild these tables on SQLite.
    op.add_column(
        "events",
        sa.Column("for_role_holders", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("broadcasts", sa.Column("text_en", sa.Text(), nullable=True))
    op.add_column(
        "broadcasts", sa.Column("send_at", models.base.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("send_at")
        batch_op.drop_column("text_en")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("for_role_holders")
    op.drop_table("movement_roles")
