"""WhatsApp rules: the messaging tier's reach, calendar entries served by link

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_reach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("reached_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_whatsapp_reach_identity_id_channel_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_reach")),
    )
    with op.batch_alter_table("whatsapp_reach", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_whatsapp_reach_identity_id"), ["identity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_whatsapp_reach_reached_at"), ["reached_at"], unique=False
        )
    op.create_table(
        "calendar_links",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_calendar_links_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_calendar_links")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_calendar_links_registration_id")),
    )


def downgrade() -> None:
    op.drop_table("calendar_links")
    op.drop_table("whatsapp_reach")
