"""broadcast images and bulletin audiences: a broadcast's photo (a shared file's token) and a
bulletin's narrowing of its topic's subscribers by role, kibbutz, stream and region

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image", sa.String(length=64), nullable=True))
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_column("audience")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("image")
