"""kibbutzim: the movement's kibbutzim with region and stream; a person's kibbutz

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "kibbutzim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=48), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("stream", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kibbutzim")),
        sa.UniqueConstraint("slug", name=op.f("uq_kibbutzim_slug")),
    )
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would drop the table's AUTOINCREMENT,
    # and SQLite cannot add a foreign key to an existing table; the slug is the catalogue's key.
    op.add_column("people", sa.Column("kibbutz", sa.String(length=48), nullable=True))
    op.create_index(op.f("ix_people_kibbutz"), "people", ["kibbutz"])


def downgrade() -> None:
    op.drop_index(op.f("ix_people_kibbutz"), table_name="people")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("kibbutz")
    op.drop_table("kibbutzim")
