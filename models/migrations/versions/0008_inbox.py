"""inbox: every inbound update stored before it is acknowledged; replaces inbound_receipts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=96), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("chat", sa.String(length=64), nullable=False),
        sa.Column("payload", models.base.JSONType, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("channel", "source_id", name=op.f("uq_inbox_channel")),
    )
    op.create_index("ix_inbox_status_id", "inbox", ["status", "id"])
    op.create_index(op.f("ix_inbox_chat"), "inbox", ["chat"])
    op.create_index(op.f("ix_inbox_received_at"), "inbox", ["received_at"])
    # Redeliveries of what was taken in before now find nothing to match: they come within
    # minutes, and an upgrade is not done while Twilio is retrying.
    op.drop_table("inbound_receipts")


def downgrade() -> None:
    op.create_table(
        "inbound_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_receipts")),
        sa.UniqueConstraint("channel", "message_id", name=op.f("uq_inbound_receipts_channel")),
    )
    op.drop_table("inbox")
