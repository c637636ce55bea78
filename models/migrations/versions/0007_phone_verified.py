"""people: whether the phone was verified by the channel

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would drop the table's AUTOINCREMENT,
    # and deleted people's ids would be handed out again.
    op.add_column(
        "people",
        sa.Column("phone_verified", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # A phone someone writes from on WhatsApp is theirs: verified already.
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("phone", sa.String),
        sa.column("phone_verified", sa.Boolean),
    )
    identities = sa.table(
        "channel_identities",
        sa.column("person_id", sa.Integer),
        sa.column("channel", sa.String),
        sa.column("address", sa.String),
    )
    whatsapp = sa.exists().where(
        identities.c.person_id == people.c.id,
        identities.c.channel == "whatsapp",
        identities.c.address == sa.literal("whatsapp:").concat(people.c.phone),
    )
    op.execute(
        people.update()
        .where(people.c.phone.is_not(None), whatsapp)
        .values(phone_verified=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("phone_verified")
