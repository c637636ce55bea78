"""whatsapp: receipts expire by age, shared files, early reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "early_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_reports")),
    )
    with op.batch_alter_table("early_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_early_reports_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_early_reports_received_at"), ["received_at"], unique=False
        )
    op.create_table(
        "shared_files",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=128), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_shared_files")),
    )
    with op.batch_alter_table("shared_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shared_files_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("inbound_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_receipts_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("early_reports")
    op.drop_table("shared_files")
    with op.batch_alter_table("inbound_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_receipts_received_at"))
