"""roster pages: an index to pick one page of an event's registrations without reading them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 06:35:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_registrations_event_status_id", "registrations", ["event_id", "status", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_registrations_event_status_id", table_name="registrations")
