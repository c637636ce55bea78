"""public reach: a Telegram channel per topic, kibbutz contact people

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would drop the table's AUTOINCREMENT.
    op.add_column("topics", sa.Column("telegram_channel", sa.String(length=64), nullable=True))
    op.create_table(
        "kibbutz_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kibbutz_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kibbutz_id"], ["kibbutzim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kibbutz_id", "person_id"),
    )
    op.create_index("ix_kibbutz_contacts_kibbutz_id", "kibbutz_contacts", ["kibbutz_id"])
    op.create_index("ix_kibbutz_contacts_person_id", "kibbutz_contacts", ["person_id"])


def downgrade() -> None:
    op.drop_table("kibbutz_contacts")
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("telegram_channel")
